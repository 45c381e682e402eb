namespace Governance.Domain.Projects;

public enum TeamRole
{
    /// <summary>项目负责人</summary>
    Lead,

    /// <summary>财务负责人</summary>
    FinanceLead,

    Member,
}

/// <summary>A member of the execution team and the date their duties contract (职责合同) was signed, if it was.</summary>
public sealed record TeamMember(string Name, TeamRole Role, string Duties, DateOnly? DutiesContractSignedOn);

/// <summary>
/// The residents' execution team (项目执行小组). It needs exactly one lead and one finance lead, who must be different
/// people (the one who spends is not the one who keeps the accounts); every member's duties contract is recorded
/// before work starts.
/// </summary>
public sealed record ExecutionTeam
{
    public ExecutionTeam(IReadOnlyList<TeamMember> members)
    {
        Rule.Require(members is { Count: > 0 }, "team.empty", "The execution team has no members.", "项目执行小组没有成员。");
        foreach (var m in members)
        {
            Rule.RequireText(m.Name, "team.memberName", "Member name", "成员姓名");
            Rule.RequireText(m.Duties, "team.duties", $"Duties of {m.Name}", $"{m.Name}的职责");
        }

        Rule.Require(members.Select(m => m.Name.Trim()).Distinct().Count() == members.Count, "team.duplicateMember",
            "A person is listed twice; one person holds one role.", "同一人被重复列入,每人只能担任一个角色。");
        int leads = members.Count(m => m.Role == TeamRole.Lead);
        int financeLeads = members.Count(m => m.Role == TeamRole.FinanceLead);
        Rule.Require(leads == 1, "team.lead",
            $"The team needs exactly one lead (has {leads}).", $"执行小组必须有且只有一名项目负责人(当前{leads}名)。");
        Rule.Require(financeLeads == 1, "team.financeLead",
            $"The team needs exactly one finance lead (has {financeLeads}).", $"执行小组必须有且只有一名财务负责人(当前{financeLeads}名)。");
        Members = members;
    }

    public IReadOnlyList<TeamMember> Members { get; }

    public TeamMember Lead => Members.Single(m => m.Role == TeamRole.Lead);

    public TeamMember FinanceLead => Members.Single(m => m.Role == TeamRole.FinanceLead);

    /// <summary>Refuses to start work while any member's duties contract is missing or signed after the start date.</summary>
    public void EnsureReadyToStart(DateOnly workStartsOn)
    {
        var unsigned = Members.Where(m => m.DutiesContractSignedOn is null || m.DutiesContractSignedOn > workStartsOn).Select(m => m.Name).ToList();
        Rule.Require(unsigned.Count == 0, "team.contractMissing",
            $"Duties contracts not signed before work starts: {string.Join(", ", unsigned)}.",
            $"以下成员尚未在开工前签署职责合同:{string.Join("、", unsigned)}。");
    }
}
