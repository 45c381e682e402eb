using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Workflows.AnnualReviews;

/// <summary>The startable processes of §6 with every human step (event), its payload type and responsible role.</summary>
public static class AnnualReviewsCatalog
{
    private static readonly WorkflowEventDefinition ObjectionEvent = new(Publicity.ObjectionEvent, "公示异议", "Objection during publicity", typeof(Objection), Roles.Public);

    public static WorkflowDefinition TwoWayEvaluation { get; } = new(
        TwoWayEvaluationOrchestrator.WorkflowName, "政社互动双向评估(每年)", "Two-way evaluation of government and self-governance (yearly)",
        nameof(TwoWayEvaluationOrchestrator), typeof(TwoWayEvaluationInput),
        [
            new(nameof(OrganisationsRated), "政府考评小组评估自治组织", "Government team rates the self-governance organisations", typeof(OrganisationsRated), TwoWayEvaluationOrchestrator.GovernmentTeam),
            new(nameof(DepartmentsRated), "社区评估小组评估政府部门", "Community team rates the government departments", typeof(DepartmentsRated), Roles.Community),
            new(nameof(ResidentSurveyCompleted), "录入群众满意度测评", "Enter the resident satisfaction survey", typeof(ResidentSurveyCompleted), Roles.Community),
            ObjectionEvent,
            new(Publicity.RulingEvent, "裁定公示异议", "Rule on an objection", typeof(ObjectionRuled), TwoWayEvaluationOrchestrator.GovernmentTeam),
        ])
    {
        TagsFromInput = input => input is TwoWayEvaluationInput i ? Tags(i.Street, i.Community, i.Year) : new Dictionary<string, string>(),
    };

    public static WorkflowDefinition EvaluationMeeting { get; } = new(
        EvaluationMeetingOrchestrator.WorkflowName, "年度评议大会(每年)", "Year-end evaluation meeting (yearly)",
        nameof(EvaluationMeetingOrchestrator), typeof(EvaluationMeetingInput),
        [
            new(nameof(EvaluationMeetingHeld), "录入评议大会现场查看与满意度测评", "Enter the meeting's inspections and satisfaction ratings", typeof(EvaluationMeetingHeld), Roles.StreetOffice),
            ObjectionEvent,
            new(Publicity.RulingEvent, "裁定公示异议", "Rule on an objection", typeof(ObjectionRuled), Roles.StreetOffice),
        ])
    {
        TagsFromInput = input => input is EvaluationMeetingInput i ? Tags(i.Street, i.Community, i.Year) : new Dictionary<string, string>(),
    };

    private static Dictionary<string, string> Tags(string street, string? community, int year)
    {
        var tags = new Dictionary<string, string> { ["street"] = street, ["year"] = year.ToString() };
        if (community is not null)
        {
            tags["community"] = community;
        }

        return tags;
    }
}
