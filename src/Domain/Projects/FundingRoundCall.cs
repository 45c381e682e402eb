namespace Governance.Domain.Projects;

/// <summary>
/// The call for applications of a funding round (项目指南): the budget total, the per-project cap and the deadline
/// (a China date; applications are accepted until the end of that day).
/// </summary>
public sealed record FundingRoundCall
{
    private FundingRoundCall(string street, int year, string roundName, decimal budgetTotal, decimal perProjectCap, DateOnly deadline)
    {
        Street = street;
        Year = year;
        RoundName = roundName;
        BudgetTotal = budgetTotal;
        PerProjectCap = perProjectCap;
        Deadline = deadline;
    }

    public string Street { get; }
    public int Year { get; }
    public string RoundName { get; }

    /// <summary>Yuan available for the whole round.</summary>
    public decimal BudgetTotal { get; }

    /// <summary>Largest budget (yuan) a single project may ask for.</summary>
    public decimal PerProjectCap { get; }

    public DateOnly Deadline { get; }

    public static FundingRoundCall Open(string street, int year, string roundName, decimal budgetTotal, decimal perProjectCap, DateOnly deadline, DateOnly openedOn)
    {
        street = Rule.RequireText(street, "round.street", "Street", "街道");
        roundName = Rule.RequireText(roundName, "round.name", "Round name", "评审批次名称");
        Rule.Require(year is >= 2000 and <= 2100, "round.year", $"Year {year} is out of range.", $"年度{year}不在有效范围内。");
        Rule.Require(budgetTotal > 0, "round.budget", "The round's budget total must be positive.", "资助总额必须大于零。");
        Rule.Require(perProjectCap > 0, "round.cap", "The per-project cap must be positive.", "单个项目资助上限必须大于零。");
        Rule.Require(perProjectCap <= budgetTotal, "round.cap",
            $"The per-project cap ({perProjectCap} yuan) exceeds the budget total ({budgetTotal} yuan).",
            $"单个项目资助上限({perProjectCap}元)超过资助总额({budgetTotal}元)。");
        Rule.Require(deadline > openedOn, "round.deadline",
            $"The application deadline {deadline:yyyy-MM-dd} must be after the call opens ({openedOn:yyyy-MM-dd}).",
            $"申报截止日期{deadline:yyyy-MM-dd}必须晚于发布日期{openedOn:yyyy-MM-dd}。");
        return new FundingRoundCall(street, year, roundName, budgetTotal, perProjectCap, deadline);
    }

    /// <summary>Whether an application submitted on <paramref name="submittedOn"/> is in time.</summary>
    public bool AcceptsOn(DateOnly submittedOn) => submittedOn <= Deadline;
}
