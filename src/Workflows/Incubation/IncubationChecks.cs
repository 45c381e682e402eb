using Governance.Domain;
using Governance.Domain.Elections;

namespace Governance.Workflows.Incubation;

/// <summary>What the board election needs from step 6.</summary>
internal sealed record BoardElectionSetup(CandidateList Candidates, int Electors);

/// <summary>The rules each §4 submission must satisfy; a broken one refuses the submission naming its rule (see RuleFields).</summary>
internal static class IncubationChecks
{
    public static IncubationNeedsSurveyed Survey(IncubationNeedsSurveyed s)
    {
        Rule.Require(s.Interviews >= 0 && s.Questionnaires >= 0 && s.Interviews + s.Questionnaires > 0, "incubation.surveyCounts",
            "The survey needs interviews or questionnaires.", "调研须有访谈或问卷。");
        Rule.RequireText(s.TargetGroup, "incubation.targetGroup", "The target group", "目标群体");
        return s;
    }

    public static InterestActivitiesHeld Activities(InterestActivitiesHeld a)
    {
        Rule.Require(a.Activities > 0 && a.Participants >= 0, "incubation.activities", "At least one activity must be held.", "至少须开展一次兴趣活动。");
        Rule.Require(a.TargetGroupConfirmed || !string.IsNullOrWhiteSpace(a.Reason), "incubation.notConfirmedReason",
            "Say why the target group was not confirmed.", "目标群体未确认时须说明原因。");
        return a;
    }

    public static GroupDiscussionsHeld Discussions(GroupDiscussionsHeld d)
    {
        Rule.Require(d.Discussions > 0 && d.Members > 0, "incubation.discussions", "Discussions and members must be above zero.", "小组讨论次数和成员人数须大于零。");
        return d;
    }

    public static ActionPlanAdopted Plan(ActionPlanAdopted p)
    {
        Rule.RequireText(p.Plan, "incubation.plan", "The action plan", "团队行动计划");
        Rule.Require(p.ActivitiesRun >= 0, "incubation.activitiesRun", "Activities run cannot be negative.", "开展活动次数不能为负数。");
        return p;
    }

    public static LeadersChosen Leaders(LeadersChosen l)
    {
        var leaders = l.Leaders ?? [];
        Rule.Require(leaders.Count is 1 or 2 && leaders.All(x => !string.IsNullOrWhiteSpace(x)), "incubation.leaders",
            "Pick one or two leaders.", "须选出1至2名带头人。");
        Rule.Require(l.CoreMembers >= leaders.Count, "incubation.coreMembers", "The core membership includes the leaders.", "骨干成员人数不能少于带头人人数。");
        return l;
    }

    /// <summary>The board's candidate list (competitive) and the members entitled to vote.</summary>
    public static BoardElectionSetup Structure(StructureAdopted s)
    {
        Rule.RequireText(s.Structure, "incubation.structure", "The structure", "组织架构");
        Rule.Require(s.MembersEntitledToVote > 0, "incubation.members", "Members entitled to vote must be above zero.", "有表决权的成员人数须大于零。");
        return new BoardElectionSetup(new CandidateList(s.Seats, s.Candidates ?? []), s.MembersEntitledToVote);
    }

    public static OrganisationRegistered Registration(OrganisationRegistered r)
    {
        Rule.RequireText(r.Name, "incubation.name", "The organisation's name", "组织名称");
        Rule.RequireText(r.ReferenceNumber, "incubation.reference", "The registration or filing number", "登记或备案编号");
        return r;
    }

    public static CharterAdopted Charter(CharterAdopted c)
    {
        Rule.RequireText(c.Charter, "incubation.charter", "The charter", "社团公约");
        Rule.RequireText(c.PointsScheme, "incubation.pointsScheme", "The points scheme", "积分制度");
        Rule.Require(c.PartnerShops >= 0, "incubation.partnerShops", "Partner shops cannot be negative.", "合作商家数不能为负数。");
        return c;
    }

    public static SupportReported Support(SupportReported s)
    {
        Rule.Require(s.FundsRaised >= 0, "incubation.funds", "Funds raised cannot be negative.", "筹集资金不能为负数。");
        Rule.Require(s.TrainingSessions >= 0 && s.ActivistsTrained >= 0, "incubation.training", "Training counts cannot be negative.", "培训次数和人数不能为负数。");
        return s;
    }

    public static EvaluationCompleted Evaluation(EvaluationCompleted e)
    {
        Rule.RequireText(e.Findings, "incubation.findings", "The evaluation's findings", "评估意见");
        Rule.Require(e.Passed || (e.CorrectiveActions is { Count: > 0 } && e.CorrectiveActions.All(a => !string.IsNullOrWhiteSpace(a))), "incubation.correctiveActions",
            "An evaluation not passed needs corrective actions.", "评估未通过须列明整改措施。");
        return e;
    }

    public static CorrectiveActionsCompleted Corrective(CorrectiveActionsCompleted c)
    {
        Rule.RequireText(c.Summary, "incubation.correctiveSummary", "What was corrected", "整改情况");
        return c;
    }
}
