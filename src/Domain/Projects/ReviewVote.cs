namespace Governance.Domain.Projects;

/// <summary>The review criteria voted on at the review meeting (项目评审会).</summary>
public enum ReviewCriterion
{
    /// <summary>公益性</summary>
    PublicBenefit,

    /// <summary>可行性</summary>
    Feasibility,

    /// <summary>可持续性</summary>
    Sustainability,
}

/// <summary>Weights agreed before the meeting; each in [0, 1] and summing to exactly 1.</summary>
public sealed record ReviewWeights
{
    public ReviewWeights(decimal publicBenefit, decimal feasibility, decimal sustainability)
    {
        Rule.Require(publicBenefit >= 0 && feasibility >= 0 && sustainability >= 0, "review.weights",
            "Review weights cannot be negative.", "评审权重不能为负数。");
        decimal sum = publicBenefit + feasibility + sustainability;
        Rule.Require(sum == 1m, "review.weights",
            $"Review weights must sum to 1 (they sum to {sum}).", $"评审权重之和必须为1(当前为{sum})。");
        PublicBenefit = publicBenefit;
        Feasibility = feasibility;
        Sustainability = sustainability;
    }

    /// <summary>0.4 公益性, 0.3 可行性, 0.3 可持续性.</summary>
    public static ReviewWeights Default { get; } = new(0.4m, 0.3m, 0.3m);

    public decimal PublicBenefit { get; }
    public decimal Feasibility { get; }
    public decimal Sustainability { get; }
}

/// <summary>
/// Votes an application received per criterion. <see cref="ApplicationNumber"/> is the order of receipt in the
/// round (1 = first received); it breaks ties in the ranking.
/// </summary>
public sealed record ReviewVoteTally(int ApplicationNumber, int PublicBenefitVotes, int FeasibilityVotes, int SustainabilityVotes)
{
    public decimal Score(ReviewWeights weights) =>
        PublicBenefitVotes * weights.PublicBenefit + FeasibilityVotes * weights.Feasibility + SustainabilityVotes * weights.Sustainability;
}

/// <summary>One application's place in the ranking.</summary>
public sealed record RankedApplication(int Rank, int ApplicationNumber, decimal Score, ReviewVoteTally Tally);

/// <summary>
/// The review meeting's result: each attendee may cast at most one vote per criterion per project, so no count may
/// exceed the attendees. Score = Σ votes × weight. Ranking: higher score first; on an equal score the earlier
/// application (lower application number, i.e. received first) ranks higher, which rewards the community that
/// was ready first and is known to everyone before the meeting.
/// </summary>
public sealed record ReviewMeetingResult
{
    public ReviewMeetingResult(int attendees, IReadOnlyList<ReviewVoteTally> tallies, ReviewWeights weights, IReadOnlyCollection<int> eligibleApplications)
    {
        Rule.Require(attendees > 0, "review.attendees", "The review meeting needs attendees.", "评审会参会人数必须大于零。");
        Rule.Require(tallies is { Count: > 0 }, "review.tallies", "No vote tallies were entered.", "未录入投票结果。");
        foreach (var t in tallies)
        {
            foreach (var (criterion, votes) in new[] { (ReviewCriterion.PublicBenefit, t.PublicBenefitVotes), (ReviewCriterion.Feasibility, t.FeasibilityVotes), (ReviewCriterion.Sustainability, t.SustainabilityVotes) })
            {
                Rule.Require(votes >= 0, "review.votes", "Vote counts cannot be negative.", "票数不能为负数。");
                Rule.Require(votes <= attendees, "review.moreVotesThanAttendees",
                    $"Application {t.ApplicationNumber} has {votes} votes for {criterion}, more than the {attendees} attendees.",
                    $"第{t.ApplicationNumber}号申请的{criterion.ToChinese()}得票({votes})多于参会人数({attendees})。");
            }
        }

        var numbers = tallies.Select(t => t.ApplicationNumber).ToList();
        Rule.Require(numbers.Distinct().Count() == numbers.Count, "review.duplicate",
            "An application was tallied twice.", "同一申请被重复计票。");
        var unknown = numbers.Except(eligibleApplications).ToList();
        Rule.Require(unknown.Count == 0, "review.unknownApplication",
            $"Tallies name applications that are not under review: {string.Join(", ", unknown)}.",
            $"计票包含未进入评审的申请:{string.Join("、", unknown)}。");
        var missing = eligibleApplications.Except(numbers).ToList();
        Rule.Require(missing.Count == 0, "review.missingApplication",
            $"Applications without a tally: {string.Join(", ", missing)}.", $"以下申请缺少计票:{string.Join("、", missing)}。");

        Attendees = attendees;
        Weights = weights;
        Ranking = tallies
            .Select(t => (Tally: t, Score: t.Score(weights)))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Tally.ApplicationNumber)
            .Select((x, i) => new RankedApplication(i + 1, x.Tally.ApplicationNumber, x.Score, x.Tally))
            .ToList();
    }

    public int Attendees { get; }
    public ReviewWeights Weights { get; }
    public IReadOnlyList<RankedApplication> Ranking { get; }
}

public static class ReviewCriterionNames
{
    public static string ToChinese(this ReviewCriterion criterion) => criterion switch
    {
        ReviewCriterion.PublicBenefit => "公益性",
        ReviewCriterion.Feasibility => "可行性",
        ReviewCriterion.Sustainability => "可持续性",
        _ => criterion.ToString(),
    };
}
