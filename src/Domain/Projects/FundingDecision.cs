namespace Governance.Domain.Projects;

/// <summary>A grant to one application (yuan).</summary>
public sealed record Grant(int ApplicationNumber, decimal Amount);

/// <summary>
/// The funded list that follows the ranking: applications in rank order, each granted its requested budget, until
/// the next one no longer fits the budget. Stopping there (rather than skipping to a cheaper, lower-ranked project)
/// keeps the ranking binding; funding a lower-ranked project instead is a departure that needs a written reason.
/// </summary>
public sealed record FundingRecommendation(IReadOnlyList<Grant> Grants, decimal BudgetTotal)
{
    public decimal Total => Grants.Sum(g => g.Amount);

    public static FundingRecommendation ByRank(IReadOnlyList<RankedApplication> ranking, IReadOnlyDictionary<int, decimal> requestedBudgets, decimal budgetTotal)
    {
        var grants = new List<Grant>();
        decimal remaining = budgetTotal;
        foreach (var ranked in ranking.OrderBy(r => r.Rank))
        {
            decimal requested = requestedBudgets[ranked.ApplicationNumber];
            if (requested > remaining)
            {
                break;
            }

            grants.Add(new Grant(ranked.ApplicationNumber, requested));
            remaining -= requested;
        }

        return new FundingRecommendation(grants, budgetTotal);
    }
}

/// <summary>
/// The leadership group's funding decision (确定资助项目): within the budget, only ranked applications, no grant above
/// the request or the cap, and a written reason for any departure from the recommendation (other projects or amounts).
/// </summary>
public sealed record FundingDecision(IReadOnlyList<Grant> Grants, bool DepartsFromRanking, string? DepartureReason)
{
    public decimal Total => Grants.Sum(g => g.Amount);

    public static FundingDecision Confirm(
        FundingRecommendation recommendation,
        IReadOnlyList<Grant> grants,
        string? departureReason,
        IReadOnlyDictionary<int, decimal> requestedBudgets,
        decimal perProjectCap)
    {
        Rule.Require(grants.Select(g => g.ApplicationNumber).Distinct().Count() == grants.Count, "funding.duplicate",
            "An application is granted twice.", "同一项目被重复资助。");
        foreach (var grant in grants)
        {
            Rule.Require(requestedBudgets.ContainsKey(grant.ApplicationNumber), "funding.notRanked",
                $"Application {grant.ApplicationNumber} was not ranked by the review meeting.",
                $"第{grant.ApplicationNumber}号申请未经评审会排名,不能资助。");
            Rule.Require(grant.Amount > 0, "funding.amount", "A grant must be positive.", "资助金额必须大于零。");
            Rule.Require(grant.Amount <= requestedBudgets[grant.ApplicationNumber] && grant.Amount <= perProjectCap, "funding.overRequest",
                $"Grant to application {grant.ApplicationNumber} ({grant.Amount} yuan) exceeds its budget or the cap.",
                $"第{grant.ApplicationNumber}号申请的资助金额({grant.Amount}元)超过其预算或资助上限。");
        }

        decimal total = grants.Sum(g => g.Amount);
        Rule.Require(total <= recommendation.BudgetTotal, "funding.overBudget",
            $"Grants total {total} yuan, above the round's budget of {recommendation.BudgetTotal} yuan.",
            $"资助合计{total}元,超过资助总额{recommendation.BudgetTotal}元。");

        var recommended = recommendation.Grants.OrderBy(g => g.ApplicationNumber).ToList();
        var decided = grants.OrderBy(g => g.ApplicationNumber).ToList();
        bool departs = !recommended.SequenceEqual(decided);
        Rule.Require(!departs || !string.IsNullOrWhiteSpace(departureReason), "funding.departureWithoutReason",
            "The funded list departs from the ranking; a written reason is required.",
            "资助名单与评审排名不一致,必须书面说明理由。");
        return new FundingDecision(grants, departs, departs ? departureReason!.Trim() : null);
    }
}
