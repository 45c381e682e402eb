using Governance.Domain;
using Governance.Domain.Elections;

namespace Governance.Domain.Tests.Elections;

public class TurnoutQuorumTests
{
    [Theory]
    [InlineData(300, 200, true)] // exactly two thirds: 以上 includes the number
    [InlineData(300, 199, false)]
    [InlineData(300, 300, true)]
    [InlineData(301, 200, false)] // 2/3 × 301 = 200.67
    [InlineData(301, 201, true)]
    [InlineData(1, 1, true)]
    [InlineData(1, 0, false)]
    public void Two_thirds_of_households_inclusive(int households, int ballots, bool met)
        => Assert.Equal(met, TurnoutQuorum.IsMet(households, ballots));

    [Theory]
    [InlineData(300, 200)]
    [InlineData(301, 201)]
    [InlineData(302, 202)]
    [InlineData(3, 2)]
    public void Required_is_the_fewest_ballots_that_meet_it(int households, int required)
    {
        Assert.Equal(required, TurnoutQuorum.Required(households));
        Assert.True(TurnoutQuorum.IsMet(households, required));
        Assert.False(TurnoutQuorum.IsMet(households, required - 1));
    }

    [Fact]
    public void The_first_failure_reschedules_and_the_second_escalates()
    {
        Assert.Equal(QuorumFailureAction.Reschedule, QuorumFailurePolicy.After(1));
        Assert.Equal(QuorumFailureAction.RescheduleAndEscalate, QuorumFailurePolicy.After(2));
        Assert.Equal(QuorumFailureAction.RescheduleAndEscalate, QuorumFailurePolicy.After(3));
        Assert.Equal("election.failures", Assert.Throws<DomainRuleException>(() => QuorumFailurePolicy.After(0)).Code);
    }
}

public class CandidateListTests
{
    [Fact]
    public void More_candidates_than_seats_is_competitive()
    {
        var list = new CandidateList(5, ["张", "王", "李", "赵", "刘", " 陈 "]);
        Assert.Equal(6, list.Names.Count);
        Assert.Equal("陈", list.Names[^1]);
    }

    [Fact]
    public void As_many_candidates_as_seats_is_refused()
    {
        var refused = Assert.Throws<DomainRuleException>(() => new CandidateList(3, ["张", "王", "李"]));
        Assert.Equal("election.notCompetitive", refused.Code);
        Assert.Contains("差额选举", refused.MessageZh);
        Assert.Contains("more candidates than seats", refused.MessageEn);
    }

    [Fact]
    public void Fewer_candidates_than_seats_is_refused()
        => Assert.Equal("election.notCompetitive", Assert.Throws<DomainRuleException>(() => new CandidateList(3, ["张", "王"])).Code);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void At_least_one_seat(int seats)
        => Assert.Equal("election.seats", Assert.Throws<DomainRuleException>(() => new CandidateList(seats, ["张", "王"])).Code);

    [Fact]
    public void Duplicate_and_blank_names_are_refused()
    {
        Assert.Equal("election.duplicateCandidate", Assert.Throws<DomainRuleException>(() => new CandidateList(1, ["张", " 张"])).Code);
        Assert.Equal("election.candidateName", Assert.Throws<DomainRuleException>(() => new CandidateList(1, ["张", " "])).Code);
    }
}

public class ElectionCountTests
{
    private static readonly string[] Six = ["张", "王", "李", "赵", "刘", "陈"];

    private static BallotTally Tally(int ballots, params (string Name, int Votes)[] votes)
        => new(300, 250, ballots, votes.Select(v => new CandidateVotes(v.Name, v.Votes)).ToList());

    [Fact]
    public void Exactly_half_of_ballots_is_not_elected_and_one_more_is()
    {
        var r = ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], Tally(200, ("张", 100), ("王", 100)));
        Assert.Empty(r.Elected);
        r = ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], Tally(200, ("张", 101), ("王", 99)));
        Assert.Equal(["张"], r.Elected);
        Assert.False(r.NeedsRunOff);
    }

    [Fact]
    public void Elected_up_to_the_seats_by_votes()
    {
        // Four reach a majority for three seats: the three with most votes.
        var r = ElectionCount.Count(RoundKind.Majority, 3, Six, Tally(200, ("张", 150), ("王", 120), ("李", 190), ("赵", 101), ("刘", 10), ("陈", 20)));
        Assert.Equal(["李", "张", "王"], r.Elected);
        Assert.Equal(0, r.UnfilledSeats);
        Assert.Empty(r.RunOffCandidates);
    }

    [Fact]
    public void Unfilled_seats_go_to_a_run_off_among_the_remaining_candidates()
    {
        var r = ElectionCount.Count(RoundKind.Majority, 3, Six, Tally(200, ("张", 150), ("王", 100), ("李", 90), ("赵", 80), ("刘", 60), ("陈", 20)));
        Assert.Equal(["张"], r.Elected);
        Assert.True(r.NeedsRunOff);
        Assert.Equal(2, r.UnfilledSeats);
        Assert.Equal(["王", "李", "赵", "刘", "陈"], r.RunOffCandidates);
    }

    [Fact]
    public void In_a_run_off_the_most_votes_win_with_at_least_a_third_of_ballots()
    {
        // 201 ballots: a third is 67; 67 wins, 66 does not.
        var r = ElectionCount.Count(RoundKind.RunOff, 2, ["王", "李", "赵"], Tally(201, ("王", 90), ("李", 67), ("赵", 44)));
        Assert.Equal(["王", "李"], r.Elected);
        Assert.Equal(0, r.VacantSeats);
        r = ElectionCount.Count(RoundKind.RunOff, 2, ["王", "李", "赵"], Tally(201, ("王", 90), ("李", 66), ("赵", 45)));
        Assert.Equal(["王"], r.Elected);
        Assert.Equal(1, r.VacantSeats);
        Assert.False(r.NeedsRunOff);
    }

    [Fact]
    public void A_tie_at_the_last_seat_goes_to_a_run_off_between_the_tied()
    {
        var r = ElectionCount.Count(RoundKind.Majority, 2, ["张", "王", "李", "赵"], Tally(200, ("张", 150), ("王", 110), ("李", 110), ("赵", 30)));
        Assert.True(r.TieAtLastSeat);
        Assert.Equal(["张"], r.Elected);
        Assert.Equal(1, r.UnfilledSeats);
        Assert.Equal(["王", "李"], r.RunOffCandidates);
    }

    [Fact]
    public void A_tie_at_the_last_seat_of_a_run_off_goes_to_another_run_off()
    {
        var r = ElectionCount.Count(RoundKind.RunOff, 1, ["王", "李", "赵"], Tally(200, ("王", 80), ("李", 80), ("赵", 40)));
        Assert.Empty(r.Elected);
        Assert.Equal(["王", "李"], r.RunOffCandidates);
        Assert.Equal(1, r.UnfilledSeats);
    }

    [Fact]
    public void A_missed_quorum_counts_nothing_and_the_same_round_is_held_again()
    {
        var r = ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], new BallotTally(300, 199, 199, [new("张", 150)]));
        Assert.False(r.QuorumMet);
        Assert.Equal(200, r.RequiredBallots);
        Assert.Empty(r.Elected);
        Assert.Empty(r.Votes);
        Assert.Equal(["张", "王"], r.RunOffCandidates);
        Assert.False(r.NeedsRunOff);
    }

    [Theory]
    [InlineData(0, 0, 0, "election.households")]
    [InlineData(300, -1, 0, "election.attendees")]
    [InlineData(300, 301, 200, "election.attendeesOverHouseholds")]
    [InlineData(300, 250, -1, "election.ballots")]
    [InlineData(300, 300, 301, "election.ballotsOverHouseholds")]
    [InlineData(300, 250, 251, "election.ballotsOverAttendees")]
    public void Impossible_turnout_is_refused_naming_the_rule(int households, int attendees, int ballots, string code)
    {
        var refused = Assert.Throws<DomainRuleException>(() => ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], new BallotTally(households, attendees, ballots, [])));
        Assert.Equal(code, refused.Code);
        Assert.False(string.IsNullOrWhiteSpace(refused.MessageEn));
        Assert.False(string.IsNullOrWhiteSpace(refused.MessageZh));
    }

    [Fact]
    public void A_candidate_with_more_votes_than_ballots_is_refused()
    {
        Assert.Equal("election.votesOverBallots", Assert.Throws<DomainRuleException>(() => ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], Tally(200, ("张", 201)))).Code);
        Assert.Equal(["张"], ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], Tally(200, ("张", 200))).Elected);
    }

    [Fact]
    public void More_marks_than_ballots_times_seats_is_refused()
    {
        // 2 seats, 100 ballots: 200 marks at most.
        var ok = ElectionCount.Count(RoundKind.Majority, 2, ["张", "王", "李"], new BallotTally(150, 100, 100, [new("张", 100), new("王", 100)]));
        Assert.Equal(2, ok.Elected.Count);
        var refused = Assert.Throws<DomainRuleException>(() => ElectionCount.Count(RoundKind.Majority, 2, ["张", "王", "李"],
            new BallotTally(150, 100, 100, [new("张", 100), new("王", 100), new("李", 1)])));
        Assert.Equal("election.marksOverSeats", refused.Code);
    }

    [Fact]
    public void Negative_votes_unknown_and_twice_counted_candidates_are_refused()
    {
        Assert.Equal("election.votes", Assert.Throws<DomainRuleException>(() => ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], Tally(200, ("张", -1)))).Code);
        Assert.Equal("election.unknownCandidate", Assert.Throws<DomainRuleException>(() => ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], Tally(200, ("周", 1)))).Code);
        Assert.Equal("election.countedTwice", Assert.Throws<DomainRuleException>(() => ElectionCount.Count(RoundKind.Majority, 1, ["张", "王"], Tally(200, ("张", 1), ("张", 2)))).Code);
    }

    [Fact]
    public void A_run_off_tally_may_not_name_a_candidate_who_is_no_longer_standing()
        => Assert.Equal("election.unknownCandidate", Assert.Throws<DomainRuleException>(() => ElectionCount.Count(RoundKind.RunOff, 1, ["王", "李"], Tally(200, ("张", 1)))).Code);

    [Fact]
    public void The_tally_records_turnout_and_votes_per_candidate_only()
    {
        // Secret ballot: neither the tally nor a round's result has room for who voted for whom.
        Assert.Equal(["Households", "Attendees", "BallotsCast", "Votes"], typeof(BallotTally).GetProperties().Select(p => p.Name));
        Assert.Equal(["Candidate", "Votes"], typeof(CandidateVotes).GetProperties().Select(p => p.Name));
    }
}

public class ElectionTests
{
    [Fact]
    public void Failed_quorum_then_majority_then_run_off_fills_every_seat()
    {
        var election = new Election(new CandidateList(3, ["张", "王", "李", "赵", "刘"]));
        var first = election.Count(new BallotTally(300, 180, 180, []));
        election.Apply(first);
        Assert.Equal(1, election.QuorumFailuresInARow);
        Assert.Equal(RoundKind.Majority, election.NextKind);

        election.Apply(election.Count(new BallotTally(300, 240, 236, [new("张", 200), new("王", 150), new("李", 110), new("赵", 100), new("刘", 80)])));
        Assert.Equal(0, election.QuorumFailuresInARow);
        Assert.Equal(["张", "王"], election.Elected);
        Assert.Equal(RoundKind.RunOff, election.NextKind);
        Assert.Equal(1, election.OpenSeats);
        Assert.Equal(["李", "赵", "刘"], election.Standing);

        election.Apply(election.Count(new BallotTally(300, 240, 230, [new("李", 120), new("赵", 70), new("刘", 40)])));
        Assert.True(election.IsDecided);
        Assert.Equal(["张", "王", "李"], election.Elected);
        Assert.Equal(3, election.Rounds.Count);
        Assert.Equal("election.decided", Assert.Throws<DomainRuleException>(() => election.Count(new BallotTally(300, 240, 230, []))).Code);
    }

    [Fact]
    public void A_refused_tally_changes_nothing()
    {
        var election = new Election(new CandidateList(1, ["张", "王"]));
        Assert.Throws<DomainRuleException>(() => election.Count(new BallotTally(300, 250, 260, [])));
        Assert.Empty(election.Rounds);
        Assert.Equal(1, election.OpenSeats);
    }

    [Fact]
    public void Seats_nobody_reaches_a_third_for_in_the_run_off_stay_vacant()
    {
        var election = new Election(new CandidateList(2, ["张", "王", "李", "赵"]));
        election.Apply(election.Count(new BallotTally(300, 210, 210, [new("张", 150), new("王", 60), new("李", 60), new("赵", 60)])));
        election.Apply(election.Count(new BallotTally(300, 210, 210, [new("王", 69), new("李", 69), new("赵", 68)])));
        Assert.True(election.IsDecided);
        Assert.Equal(["张"], election.Elected);
        Assert.Equal(1, election.VacantSeats);
    }
}
