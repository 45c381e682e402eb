using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Workflows.SelfManagement;

/// <summary>Responsible roles of §3 (who submits which step).</summary>
public static class SelfManagementRoles
{
    public const string Community = Roles.Community;

    /// <summary>社区党组织: nominations and the interview.</summary>
    public const string PartyOrganisation = "communityPartyOrganisation";

    /// <summary>小区自管委员会 once elected.</summary>
    public const string EstateCommittee = "estateCommittee";
}

/// <summary>The §3 process with every human step, its payload and responsible role.</summary>
public static class SelfManagementCatalog
{
    public static WorkflowDefinition EstateCommittee { get; } = new(
        EstateCommitteeOrchestrator.WorkflowName, "小区自管委员会(六步工作法)", "Estate self-management committee (six steps)",
        nameof(EstateCommitteeOrchestrator), typeof(EstateCommitteeStart),
        [
            new(nameof(TalentSearchCompleted), "选达人:建立达人档案", "Find the able: talent file", typeof(TalentSearchCompleted), SelfManagementRoles.Community),
            new(nameof(ConsultationMeetingsHeld), "两会:居民座谈会与楼栋长讨论会", "Residents' forum and building leaders' discussion", typeof(ConsultationMeetingsHeld), SelfManagementRoles.Community),
            new(nameof(NominationsClosed), "三荐:征集拟参选人员", "Nominations through three channels", typeof(NominationsClosed), SelfManagementRoles.PartyOrganisation),
            new(nameof(CandidatesScreened), "四问:考察面谈,确定初步人选", "Background check and interview: preliminary list", typeof(CandidatesScreened), SelfManagementRoles.PartyOrganisation),
            new(ElectionSteps.AssemblyEvent, "一选:选举大会计票", "Election assembly count", typeof(ElectionAssemblyHeld), SelfManagementRoles.Community),
            new(ElectionSteps.RunOffEvent, "另行选举计票", "Run-off count", typeof(RunOffHeld), SelfManagementRoles.Community),
            new(nameof(ConventionDrafted), "起草小区公约和职责", "Draft the convention and duties", typeof(ConventionDrafted), SelfManagementRoles.EstateCommittee),
            new(nameof(ConventionMeetingHeld), "全体居民大会讨论公约", "All-residents meeting on the convention", typeof(ConventionMeetingHeld), SelfManagementRoles.Community),
            new(nameof(EmpowermentPlanned), "年度赋能计划与项目资金申请", "Empowerment plan and funding applications", typeof(EmpowermentPlanned), SelfManagementRoles.Community),
            new(nameof(ProblemsCollected), "收集问题", "Collect problems", typeof(ProblemsCollected), SelfManagementRoles.EstateCommittee),
            new(nameof(OpenSpaceMeetingHeld), "开放空间会议分类交办", "Open-space meeting sorts the problems", typeof(OpenSpaceMeetingHeld), SelfManagementRoles.EstateCommittee),
            new(nameof(MonthlyAccountsPublished), "月度公示收支、积分和好人好事", "Monthly publication of accounts, points, good deeds", typeof(MonthlyAccountsPublished), SelfManagementRoles.EstateCommittee),
            new(nameof(AnnualReviewHeld), "居民大会年度评议", "Residents' assembly annual review", typeof(AnnualReviewHeld), SelfManagementRoles.Community),
            new(Publicity.ObjectionEvent, "公示异议", "Objection during publicity", typeof(Objection), Roles.Public),
            new(Publicity.RulingEvent, "裁定公示异议", "Rule on an objection", typeof(ObjectionRuled), SelfManagementRoles.PartyOrganisation),
        ])
    {
        TagsFromInput = input => input switch
        {
            EstateCommitteeStart start => start.ToInput().Tags(),
            EstateCommitteeInput i => i.Tags(),
            _ => new Dictionary<string, string>(),
        },
    };

    /// <summary>Problems run as sub-instances of the committee; listed so their step shows in the inbox and takes submissions.</summary>
    public static WorkflowDefinition EstateProblem { get; } = new(
        EstateProblemOrchestrator.WorkflowName, "小区问题办理", "Estate problem",
        nameof(EstateProblemOrchestrator), typeof(EstateProblemInput),
        [new(nameof(ProblemSolved), "办理问题", "Solve the problem", typeof(ProblemSolved), SelfManagementRoles.EstateCommittee)])
    {
        StartedBy = EstateCommitteeOrchestrator.WorkflowName,
    };
}
