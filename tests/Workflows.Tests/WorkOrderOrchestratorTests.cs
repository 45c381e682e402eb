using Governance.Domain.Calendar;
using Governance.Domain.JointCommittee;
using Governance.Workflows.Common;
using Governance.Workflows.JointCommittee;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

public class WorkOrderOrchestratorTests
{
    private static readonly DateOnly Raised = new(2026, 3, 2); // a Monday

    private static WorkOrderInput Order(DateOnly deadline) => new("liuhe-committee", "浏河镇", "浏河社区", 2026, 7,
        new WorkOrderRaised("3号楼楼道堆物清理", "楼道堆放杂物存在消防隐患", deadline, "浏河社区"), JointCommitteeOrchestratorTests.Units, Raised,
        JointCommitteeRules.From(new WorkflowSettings()));

    private static DateTime At(DateOnly day) => ChinaTime.At(day, new TimeOnly(10, 0)).UtcDateTime;

    [Fact]
    public async Task An_unclaimed_order_escalates_after_its_claim_window_and_a_claimed_order_past_its_deadline_escalates()
    {
        var h = new OrchestrationHarness(At(Raised), "liuhe-committee:order:2026-007")
            .RaiseAt(At(new DateOnly(2026, 3, 6)), nameof(WorkOrderClaimed), new WorkOrderClaimed("党员李某", ClaimantKind.PartyMember))
            .RaiseAt(At(new DateOnly(2026, 3, 19)), nameof(WorkOrderCompleted), new WorkOrderCompleted("杂物已清运", 12, 11, "楼道整洁"));

        var outcome = await h.RunAsync(new WorkOrderOrchestrator(), Order(deadline: new DateOnly(2026, 3, 13)));

        // Claim window 2 working days (due 4 March): escalated to the supervisor on 5 March, claimed on the 6th.
        var claim = h.Notifications.Where(n => n.EventName == nameof(WorkOrderClaimed) && n.Kind == NotificationKinds.Escalation).ToList();
        Assert.Equal([new DateOnly(2026, 3, 5)], claim.Select(n => n.NoticeDate));
        // Deadline 13 March, done on the 19th: escalated on the 16th (supervisor), not yet to the street office (the 20th).
        var late = h.Notifications.Where(n => n.EventName == nameof(WorkOrderCompleted) && n.Kind == NotificationKinds.Escalation).ToList();
        Assert.Equal([EscalationLevel.Supervisor], late.Select(n => (EscalationLevel)n.EscalationLevel));
        Assert.True(outcome.Overdue);
        Assert.Equal(("党员李某", 0.9167m), (outcome.ClaimedBy, outcome.ResidentSatisfaction));
        Assert.Equal("liuhe-committee", Assert.Single(h.Statuses[^1].Links!).InstanceId);
    }

    [Fact]
    public async Task A_unit_that_is_not_a_member_cannot_claim_as_a_unit_and_completion_needs_feedback()
    {
        var h = new OrchestrationHarness(At(Raised), "o")
            .Respond(nameof(WorkOrderClaimed), new WorkOrderClaimed("外单位", ClaimantKind.MemberUnit))
            .Respond(nameof(WorkOrderClaimed), new WorkOrderClaimed("浏河镇派出所", ClaimantKind.MemberUnit))
            .Respond(nameof(WorkOrderCompleted), new WorkOrderCompleted("已处理", 0, 0))
            .Respond(nameof(WorkOrderCompleted), new WorkOrderCompleted("已处理", 5, 5));

        var outcome = await h.RunAsync(new WorkOrderOrchestrator(), Order(deadline: new DateOnly(2026, 3, 13)));

        Assert.Equal([("order.claimedBy", "claimedBy"), ("order.feedback", "residentsSatisfied")], h.Rejected.Select(r => (r.Refusal.Rule, r.Refusal.Field!)));
        Assert.False(outcome.Overdue);
        Assert.Equal("浏河镇派出所", outcome.ClaimedBy);
    }
}
