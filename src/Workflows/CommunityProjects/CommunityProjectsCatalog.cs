using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Workflows.CommunityProjects;

/// <summary>The startable processes of §1–2 with every human step (event), its payload type and responsible role.</summary>
public static class CommunityProjectsCatalog
{
    private static readonly WorkflowEventDefinition ObjectionEvent = new(Publicity.ObjectionEvent, "公示异议", "Objection during publicity", typeof(Objection), Roles.Public);

    public static WorkflowDefinition FundingRound { get; } = new(
        FundingRoundOrchestrator.WorkflowName, "社区服务项目年度评审(公益创投)", "Community service project funding round",
        nameof(FundingRoundOrchestrator), typeof(FundingRoundInput),
        [
            new(nameof(ApplicationSubmitted), "提交项目申请书(附需求调查与群众评议)", "Submit an application (with needs survey and support poll)", typeof(ApplicationSubmitted), Roles.Community),
            new(nameof(ReviewMeetingHeld), "录入项目评审会投票结果", "Enter the review meeting's votes", typeof(ReviewMeetingHeld), Roles.StreetOffice),
            new(nameof(FundingDecided), "领导小组确定资助项目", "Leadership group decides the funded projects", typeof(FundingDecided), Roles.LeadershipGroup),
            ObjectionEvent,
            new(Publicity.RulingEvent, "裁定公示异议", "Rule on an objection", typeof(ObjectionRuled), Roles.LeadershipGroup),
        ])
    {
        TagsFromInput = input => input is FundingRoundInput i
            ? new Dictionary<string, string> { ["street"] = i.Street, ["year"] = i.Year.ToString(), ["round"] = i.RoundName }
            : new Dictionary<string, string>(),
    };

    public static WorkflowDefinition Project { get; } = new(
        ProjectLifecycleOrchestrator.WorkflowName, "社区服务项目(需求调查至结项)", "Community service project (survey to closing)",
        nameof(ProjectLifecycleOrchestrator), typeof(StandaloneProjectInput),
        [
            new(nameof(NeedsSurveyCompleted), "完成需求调查", "Complete the needs survey", typeof(NeedsSurveyCompleted), Roles.Community),
            new(nameof(ApplicationSubmitted), "提交项目申请书", "Submit the application", typeof(ApplicationSubmitted), Roles.Community),
            new(nameof(SupportPollCompleted), "录入群众评议结果", "Enter the residents' support poll", typeof(SupportPollCompleted), Roles.Community),
            new(nameof(ProjectReviewed), "项目评审打分", "Score the project review", typeof(ProjectReviewed), Roles.StreetOffice),
            new(nameof(ApprovalDecided), "领导小组审批", "Leadership group approval", typeof(ApprovalDecided), Roles.LeadershipGroup),
            new(nameof(TeamFormed), "组建执行小组并签署职责合同", "Form the execution team, sign duties contracts", typeof(TeamFormed), Roles.Community),
            new(nameof(ProgressReported), "提交月度进展报告", "Submit the monthly progress report", typeof(ProgressReported), Roles.Community),
            new(nameof(MidTermChecked), "监审组中期检查", "Oversight group mid-term check", typeof(MidTermChecked), Roles.OversightGroup),
            new(nameof(CompletionDocumentsSubmitted), "提交结项材料", "Submit the completion documents", typeof(CompletionDocumentsSubmitted), Roles.Community),
            new(nameof(AuditCompleted), "监审组审计", "Oversight group audit", typeof(AuditCompleted), Roles.OversightGroup),
            new(nameof(RectificationSubmitted), "提交整改情况", "Submit the rectification", typeof(RectificationSubmitted), Roles.Community),
            new(nameof(SatisfactionRated), "录入年度评议满意度", "Enter the year-end satisfaction rating", typeof(SatisfactionRated), Roles.StreetOffice),
            ObjectionEvent,
            new(Publicity.RulingEvent, "裁定公示异议", "Rule on an objection", typeof(ObjectionRuled), Roles.StreetOffice),
        ])
    {
        TagsFromInput = input => (input is StandaloneProjectInput s ? s.ToLifecycleInput() : input) is ProjectLifecycleInput i
            ? new Dictionary<string, string>
            {
                ["street"] = i.Street, ["community"] = i.Community, ["year"] = i.Year.ToString(), ["round"] = i.Round ?? "standalone",
            }
            : new Dictionary<string, string>(),
    };
}
