namespace Governance.Domain.Projects;

/// <summary>One line of a project budget (yuan).</summary>
public sealed record BudgetLine(string Item, decimal Amount);

/// <summary>
/// A project application in the prescribed format (项目申请书): purpose, plan, indicators, implementing team and
/// budget. The budget is the sum of its lines and must not exceed the round's per-project cap.
/// </summary>
public sealed record ProjectApplication
{
    public const int MaxDurationMonths = 24;

    public ProjectApplication(
        string community,
        string projectName,
        string purpose,
        string plan,
        IReadOnlyList<string> indicators,
        string implementingTeam,
        IReadOnlyList<BudgetLine> budgetLines,
        int durationMonths)
    {
        Community = Rule.RequireText(community, "application.community", "Community", "社区");
        ProjectName = Rule.RequireText(projectName, "application.name", "Project name", "项目名称");
        Purpose = Rule.RequireText(purpose, "application.purpose", "Purpose", "项目目的");
        Plan = Rule.RequireText(plan, "application.plan", "Plan", "实施计划");
        ImplementingTeam = Rule.RequireText(implementingTeam, "application.team", "Implementing team", "实施主体");
        Rule.Require(indicators is { Count: > 0 } && indicators.All(i => !string.IsNullOrWhiteSpace(i)), "application.indicators",
            "At least one measurable indicator is required.", "至少需要一项考核指标。");
        Rule.Require(budgetLines is { Count: > 0 }, "application.budget", "The budget needs at least one line.", "预算至少需要一个明细项。");
        foreach (var line in budgetLines)
        {
            Rule.RequireText(line.Item, "application.budget", "Budget line item", "预算科目");
            Rule.Require(line.Amount > 0, "application.budget",
                $"Budget line '{line.Item}' must be positive.", $"预算科目“{line.Item}”金额必须大于零。");
        }

        Rule.Require(durationMonths is >= 1 and <= MaxDurationMonths, "application.duration",
            $"Duration must be 1 to {MaxDurationMonths} months.", $"项目周期必须为1至{MaxDurationMonths}个月。");
        Indicators = indicators;
        BudgetLines = budgetLines;
        DurationMonths = durationMonths;
    }

    public string Community { get; }
    public string ProjectName { get; }
    public string Purpose { get; }
    public string Plan { get; }
    public IReadOnlyList<string> Indicators { get; }
    public string ImplementingTeam { get; }
    public IReadOnlyList<BudgetLine> BudgetLines { get; }
    public int DurationMonths { get; }

    /// <summary>Requested funding in yuan: the sum of the budget lines.</summary>
    public decimal Budget => BudgetLines.Sum(l => l.Amount);

    /// <summary>Refuses a budget above the per-project cap.</summary>
    public void EnsureWithinCap(decimal perProjectCap)
        => Rule.Require(Budget <= perProjectCap, "application.overCap",
            $"The budget of '{ProjectName}' ({Budget} yuan) exceeds the per-project cap ({perProjectCap} yuan).",
            $"项目“{ProjectName}”预算({Budget}元)超过单个项目资助上限({perProjectCap}元)。");
}
