using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Workflows.JointCommittee;

/// <summary>The startable processes of §5 with every human step (event), its payload type and responsible role.</summary>
public static class JointCommitteeCatalog
{
    /// <summary>The tag linking a work order to its committee.</summary>
    public const string CommitteeTag = "committee";

    public static WorkflowDefinition Committee { get; } = new(
        JointCommitteeOrchestrator.WorkflowName, "社区大党委(联席会议、四张清单、吹哨报到、年底测评)",
        "Joint Party committee (joint meetings, four lists, whistle and dispatch, year-end assessment)",
        nameof(JointCommitteeOrchestrator), typeof(JointCommitteeInput),
        [
            new(nameof(JointMeetingScheduled), "轮值主席确定季度联席会议会期", "The rotating chair sets the quarter's meeting date", typeof(JointMeetingScheduled), CommitteeYear.ChairRole),
            new(nameof(JointMeetingNoticeIssued), "发出会议通知和议程", "Issue the notice and agenda", typeof(JointMeetingNoticeIssued), CommitteeYear.ChairRole),
            new(nameof(JointMeetingMinutesRecorded), "提交联席会议纪要", "Record the joint meeting's minutes", typeof(JointMeetingMinutesRecorded), CommitteeYear.ChairRole),
            new(nameof(ExtraSessionCalled), "召集临时会议", "Call an extra session", typeof(ExtraSessionCalled), CommitteeYear.ChairRole),
            new(nameof(ExtraSessionMinutesRecorded), "提交临时会议纪要", "Record an extra session's minutes", typeof(ExtraSessionMinutesRecorded), CommitteeYear.ChairRole),
            new(nameof(ProblemReported), "收集问题需求", "Add to the problems and needs list", typeof(ProblemReported), Roles.Community),
            new(nameof(UnitResourcesUpdated), "成员单位更新资源清单", "A member unit refreshes its resources list", typeof(UnitResourcesUpdated), CommitteeYear.MemberUnitsRecipient),
            new(nameof(WorkOrderRaised), "吹哨派单", "Raise a work order", typeof(WorkOrderRaised), Roles.Community),
            new(nameof(YearEndAssessed), "录入年底测评", "Enter the year-end assessment", typeof(YearEndAssessed), Roles.StreetOffice),
            new(Publicity.ObjectionEvent, "公示异议", "Objection during publicity", typeof(Objection), Roles.Public),
            new(Publicity.RulingEvent, "裁定公示异议", "Rule on an objection", typeof(ObjectionRuled), Roles.StreetOffice),
        ])
    {
        TagsFromInput = input => input is JointCommitteeInput i
            ? new Dictionary<string, string> { ["street"] = i.Street, ["community"] = i.Community, ["year"] = i.Year.ToString() }
            : new Dictionary<string, string>(),
    };

    /// <summary>Work orders are started by their committee (<see cref="WorkOrderRaised"/>), not through the API; listed for their steps and history.</summary>
    public static WorkflowDefinition WorkOrder { get; } = new(
        WorkOrderOrchestrator.WorkflowName, "吹哨报到工单", "Whistle-and-dispatch work order",
        nameof(WorkOrderOrchestrator), typeof(WorkOrderInput),
        [
            new(nameof(WorkOrderClaimed), "抢单认领", "Claim the work order", typeof(WorkOrderClaimed), Roles.Community),
            new(nameof(WorkOrderCompleted), "办结并反馈居民评价", "Complete with outcome and residents' feedback", typeof(WorkOrderCompleted), Roles.Community),
        ])
    {
        TagsFromInput = input => input is WorkOrderInput i ? WorkOrderTags(i) : new Dictionary<string, string>(),
        StartedBy = JointCommitteeOrchestrator.WorkflowName,
    };

    public static Dictionary<string, string> WorkOrderTags(WorkOrderInput i)
    {
        var tags = new Dictionary<string, string> { ["street"] = i.Street, ["community"] = i.Community, ["year"] = i.Year.ToString() };
        if (i.CommitteeInstanceId.Length <= Governance.Durable.InstanceTags.MaxValueLength)
        {
            tags[CommitteeTag] = i.CommitteeInstanceId;
            tags[LinkedProjects.ParentTag] = i.CommitteeInstanceId; // the tag every instance started by an activity carries (console links)
            tags[LinkedProjects.ParentWorkflowTag] = JointCommitteeOrchestrator.WorkflowName;
        }

        return tags;
    }
}
