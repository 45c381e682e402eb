namespace Governance.Domain.Elections;

/// <summary>One candidate's votes in a round.</summary>
public sealed record CandidateVotes(string Candidate, int Votes);

/// <summary>
/// What the count of a secret ballot (无记名投票) records: households entitled to vote, household representatives
/// present, ballots cast and each candidate's votes. Nothing here, nor anywhere in the service, says who voted for
/// whom. A ballot may carry up to one mark per seat.
/// </summary>
public sealed record BallotTally(int Households, int Attendees, int BallotsCast, IReadOnlyList<CandidateVotes> Votes)
{
    /// <summary>
    /// Refuses a tally that cannot have happened, naming the field: negative numbers, more ballots than households
    /// or attendees, more attendees than households, a candidate with more votes than ballots, votes for someone
    /// not standing, a candidate counted twice, or more marks than ballots × seats.
    /// </summary>
    public void EnsurePossible(int seats, IReadOnlyCollection<string> standing)
    {
        Rule.Require(Households > 0, "election.households", "The number of households must be greater than zero.", "户数必须大于零。");
        Rule.Require(Attendees >= 0, "election.attendees", "Attendees cannot be negative.", "参会户代表人数不能为负数。");
        Rule.Require(Attendees <= Households, "election.attendeesOverHouseholds",
            $"{Attendees} household representatives attended but the estate has {Households} households.",
            $"参会户代表({Attendees})多于户数({Households})。");
        Rule.Require(BallotsCast >= 0, "election.ballots", "Ballots cast cannot be negative.", "投票数不能为负数。");
        Rule.Require(BallotsCast <= Households, "election.ballotsOverHouseholds",
            $"{BallotsCast} ballots were cast but the estate has {Households} households.", $"投票数({BallotsCast})多于户数({Households})。");
        Rule.Require(BallotsCast <= Attendees, "election.ballotsOverAttendees",
            $"{BallotsCast} ballots were cast but only {Attendees} representatives attended.", $"投票数({BallotsCast})多于参会户代表({Attendees})。");

        var votes = Votes ?? [];
        foreach (var v in votes)
        {
            Rule.Require(!string.IsNullOrWhiteSpace(v.Candidate) && standing.Contains(v.Candidate.Trim()), "election.unknownCandidate",
                $"'{v.Candidate}' is not standing in this round.", $"“{v.Candidate}”不是本轮候选人。");
            Rule.Require(v.Votes >= 0, "election.votes", $"{v.Candidate}'s votes cannot be negative.", $"{v.Candidate}的得票数不能为负数。");
            Rule.Require(v.Votes <= BallotsCast, "election.votesOverBallots",
                $"{v.Candidate} has {v.Votes} votes but only {BallotsCast} ballots were cast.", $"{v.Candidate}得票({v.Votes})多于投票数({BallotsCast})。");
        }

        var twice = votes.GroupBy(v => v.Candidate.Trim(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;
        Rule.Require(twice is null, "election.countedTwice", $"'{twice}' is counted twice.", $"“{twice}”被重复计票。");
        long marks = votes.Sum(v => (long)v.Votes);
        Rule.Require(marks <= (long)BallotsCast * seats, "election.marksOverSeats",
            $"{marks} votes in all, more than {BallotsCast} ballots × {seats} seats allow.",
            $"总票数({marks})超过投票数×应选职数({BallotsCast}×{seats})。");
    }

    /// <summary>Votes per standing candidate (0 for a candidate not in the tally).</summary>
    public IReadOnlyList<CandidateVotes> For(IEnumerable<string> standing)
        => standing.Select(c => new CandidateVotes(c, (Votes ?? []).Where(v => v.Candidate.Trim() == c).Sum(v => v.Votes))).ToList();
}
