namespace Governance.Domain.Elections;

/// <summary>The kind of a round: the first (absolute majority) or a run-off for seats left unfilled.</summary>
public enum RoundKind
{
    /// <summary>Elected with more than half of the ballots cast (过半数: exactly half is not enough).</summary>
    Majority,

    /// <summary>
    /// Our reading, modelled on the villagers' committee rule: the most votes win, provided they reach at least one
    /// third of the ballots cast; seats nobody reaches it for stay vacant.
    /// </summary>
    RunOff,
}

/// <summary>
/// One round's count. When the quorum was missed nothing is counted (<see cref="Elected"/> empty, the same round is
/// held again). <see cref="RunOffCandidates"/> stand in the next round for <see cref="UnfilledSeats"/>: the remaining
/// candidates after a majority round, or only those tied at the last seat.
/// </summary>
public sealed record RoundResult(
    RoundKind Kind,
    int Seats,
    int Households,
    int Attendees,
    int BallotsCast,
    bool QuorumMet,
    int RequiredBallots,
    IReadOnlyList<CandidateVotes> Votes,
    IReadOnlyList<string> Elected,
    int UnfilledSeats,
    IReadOnlyList<string> RunOffCandidates,
    int VacantSeats,
    bool TieAtLastSeat)
{
    public bool NeedsRunOff => QuorumMet && UnfilledSeats > 0;
}

/// <summary>Counts one round of an estate election (pure: the caller applies the result to its <see cref="Election"/>).</summary>
public static class ElectionCount
{
    public static RoundResult Count(RoundKind kind, int seats, IReadOnlyList<string> standing, BallotTally tally)
    {
        Rule.Require(tally is not null, "election.tally", "The tally is required.", "计票结果不能为空。");
        tally!.EnsurePossible(seats, standing);
        int required = TurnoutQuorum.Required(tally.Households);
        var votes = tally.For(standing).OrderByDescending(v => v.Votes).ToList();
        if (!TurnoutQuorum.IsMet(tally.Households, tally.BallotsCast))
        {
            return new RoundResult(kind, seats, tally.Households, tally.Attendees, tally.BallotsCast, false, required, [], [], seats, standing, 0, false);
        }

        int ballots = tally.BallotsCast;
        var qualified = votes.Where(v => kind == RoundKind.Majority ? v.Votes * 2L > ballots : v.Votes * 3L >= ballots).ToList();
        List<string> elected;
        List<string> runOff = [];
        bool tie = false;
        if (qualified.Count > seats && qualified[seats].Votes == qualified[seats - 1].Votes)
        {
            // A tie across the last seat: those above the tie are elected, the tied stand again for what is left.
            int cut = qualified[seats - 1].Votes;
            elected = qualified.Where(v => v.Votes > cut).Select(v => v.Candidate).ToList();
            runOff = qualified.Where(v => v.Votes == cut).Select(v => v.Candidate).ToList();
            tie = true;
        }
        else
        {
            elected = qualified.Take(seats).Select(v => v.Candidate).ToList();
            if (kind == RoundKind.Majority && elected.Count < seats)
            {
                runOff = standing.Except(elected).ToList();
            }
        }

        int unfilled = runOff.Count > 0 ? seats - elected.Count : 0;
        int vacant = seats - elected.Count - unfilled;
        return new RoundResult(kind, seats, tally.Households, tally.Attendees, ballots, true, required, votes, elected, unfilled, runOff, vacant, tie);
    }
}

/// <summary>
/// An estate election from the first round to the last run-off. <see cref="Count"/> checks and counts a round
/// without changing anything (so a refused tally leaves the election as it was); <see cref="Apply"/> takes an
/// accepted round.
/// </summary>
public sealed class Election(CandidateList candidates)
{
    private readonly List<string> elected = [];
    private readonly List<RoundResult> rounds = [];

    public CandidateList Candidates { get; } = candidates;

    public RoundKind NextKind { get; private set; } = RoundKind.Majority;

    /// <summary>Seats the next round is for.</summary>
    public int OpenSeats { get; private set; } = candidates.Seats;

    /// <summary>Candidates standing in the next round.</summary>
    public IReadOnlyList<string> Standing { get; private set; } = candidates.Names;

    public IReadOnlyList<string> Elected => elected;

    public IReadOnlyList<RoundResult> Rounds => rounds;

    public int VacantSeats { get; private set; }

    /// <summary>Quorum failures since the last round that met it.</summary>
    public int QuorumFailuresInARow { get; private set; }

    public bool IsDecided => OpenSeats == 0;

    public RoundResult Count(BallotTally tally)
    {
        Rule.Require(!IsDecided, "election.decided", "The election is already decided.", "选举已产生结果。");
        return ElectionCount.Count(NextKind, OpenSeats, Standing, tally);
    }

    public void Apply(RoundResult round)
    {
        rounds.Add(round);
        if (!round.QuorumMet)
        {
            QuorumFailuresInARow++;
            return;
        }

        QuorumFailuresInARow = 0;
        elected.AddRange(round.Elected);
        VacantSeats += round.VacantSeats;
        OpenSeats = round.UnfilledSeats;
        Standing = round.RunOffCandidates;
        NextKind = RoundKind.RunOff;
    }
}
