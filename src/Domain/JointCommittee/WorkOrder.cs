namespace Governance.Domain.JointCommittee;

/// <summary>Who claimed a work order (抢单): a Party member reporting to the community (报到) or a member unit.</summary>
public enum ClaimantKind
{
    PartyMember,
    MemberUnit,
}

/// <summary>The rules of a whistle-and-dispatch work order (吹哨、报到、制单、抢单).</summary>
public static class WorkOrderRules
{
    public static void CheckRaised(string? title, DateOnly deadline, DateOnly today)
    {
        Rule.RequireText(title, "order.title", "The work order's title", "工单标题");
        Rule.Require(deadline >= today, "order.deadline", $"The deadline {deadline:yyyy-MM-dd} is already past.", $"办结期限{deadline:yyyy-MM-dd}已过。");
    }

    public static string CheckClaim(string? claimedBy, ClaimantKind kind, MemberUnits? members)
    {
        string who = Rule.RequireText(claimedBy, "order.claimedBy", "Who claims the order", "抢单人");
        if (kind == ClaimantKind.MemberUnit && members is not null)
        {
            members.Require(who, "order.claimedBy", "Claiming unit", "抢单单位");
        }

        return who;
    }

    /// <summary>Completion needs the outcome and the residents' feedback (居民评价); satisfied counts within respondents.</summary>
    public static void CheckCompleted(string? outcome, int respondents, int satisfied)
    {
        Rule.RequireText(outcome, "order.outcome", "The outcome", "办理结果");
        Rule.Require(respondents > 0, "order.feedback", "The residents' feedback needs at least one respondent.", "居民评价至少须有一人参与。");
        Rule.Require(satisfied >= 0 && satisfied <= respondents, "order.feedback",
            $"Satisfied residents ({satisfied}) must be between 0 and the respondents ({respondents}).", $"满意人数({satisfied})必须在0与参评人数({respondents})之间。");
    }
}
