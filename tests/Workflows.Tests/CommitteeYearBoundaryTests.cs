using Governance.Domain.Calendar;
using Governance.Domain.JointCommittee;
using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.JointCommittee;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

/// <summary>
/// A joint committee whose year ends (1 January) before its Q4 minutes and assessment are in: the work it takes in the
/// new year is filed under the new year, so the new year's numbering and searches by year count it. Real runtime and
/// Azurite, fake clock.
/// </summary>
public sealed class CommitteeYearBoundaryTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] Units = JointCommitteeOrchestratorTests.Units;

    [Fact]
    public async Task Orders_and_projects_taken_after_new_year_while_the_assessment_is_late_are_filed_under_the_new_year()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, ChinaTime.At(new DateOnly(2026, 12, 1), new TimeOnly(9, 0)));
        var (client, driver) = (host.Client, host.Driver);
        const string id = "boundary-committee";
        var input = new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(JointCommitteeOrchestrator), input,
            new StartOrchestrationOptions(id) { Tags = JointCommitteeCatalog.Committee.TagsFromInput(input) });

        // The Q4 meeting is held in December; its minutes (with a matched project) come only in January.
        await driver.SubmitWhenWaitingAsync(id, nameof(JointMeetingScheduled), new JointMeetingScheduled(new DateOnly(2026, 12, 10), Units[3]));
        await driver.SubmitWhenWaitingAsync(id, nameof(JointMeetingNoticeIssued), new JointMeetingNoticeIssued(["停车难"], Units[3]));
        await driver.AdvanceUntilAsync(id, s => s.OpenSteps.Any(o => o.EventName == nameof(JointMeetingMinutesRecorded) && o.EscalationLevel == (int)EscalationLevel.District));
        Assert.Equal(2026, host.Today.Year);
        host.Clock.SetUtcNow(ChinaTime.At(new DateOnly(2027, 1, 4), new TimeOnly(9, 0))); // nothing of the year is due meanwhile

        var raised = await driver.SubmitAsync(id, nameof(WorkOrderRaised), new WorkOrderRaised("小区路灯维修", "路灯不亮", new DateOnly(2027, 1, 20), "浏河社区"));
        Assert.Equal(SubmissionStatus.Accepted, raised.Status);
        string lateOrder = WorkOrderOrchestrator.InstanceIdFor(id, 2027, 1);
        Assert.Contains(lateOrder, raised.Decision!.SummaryEn);
        var order = await driver.WaitForStepAsync(lateOrder, nameof(WorkOrderClaimed));
        Assert.Equal("2027", order.Tags["year"]);

        await driver.SubmitWhenWaitingAsync(id, nameof(JointMeetingMinutesRecorded),
            JointCommitteeOrchestratorTests.Minutes(projects: [new MatchedProject("四点半课堂", Units[2], 20_000m, "双职工家庭子女放学无人看护")]));
        await driver.SubmitWhenWaitingAsync(id, nameof(YearEndAssessed), new YearEndAssessed(
            [new(Units[0], 0, 90m), new(Units[1], 0, 85m), new(Units[2], 0, 80m), new(Units[3], 0, 88m)], "浏河镇党委"));
        string firstExecution = (await client.GetInstanceAsync(id))!.ExecutionId!;
        var next = await driver.AdvanceUntilAsync(id, s => s.OpenSteps.Any(o => o.EventName == nameof(JointMeetingScheduled)), m => m.ExecutionId != firstExecution);

        // The project publicised and started in January is a 2027 project (the 2027 evaluation meeting finds it by its year).
        string project = LinkedProjects.InstanceId(id, LinkedProjects.KeyFor(2027, "四点半课堂"));
        var started = await driver.WaitForStepAsync(project, nameof(NeedsSurveyCompleted));
        Assert.Equal((2027, "2027"), (started.ReadInputAs<ProjectLifecycleInput>()!.Year, started.Tags["year"]));

        // 2026 took no order of its own; 2027 numbers on after the one filed for it.
        var summary = next.ReadInputAs<JointCommitteeInput>()!.PreviousYear!;
        Assert.Equal((2026, 0, 1), (summary.Year, summary.WorkOrdersRaised, summary.WorkOrdersFiledInNextYear));
        var second = await driver.SubmitAsync(id, nameof(WorkOrderRaised), new WorkOrderRaised("楼道堆物清理", "消防隐患", new DateOnly(2027, 1, 29), "浏河社区"));
        Assert.Equal(SubmissionStatus.Accepted, second.Status);
        Assert.Contains(WorkOrderOrchestrator.InstanceIdFor(id, 2027, 2), second.Decision!.SummaryEn);
        await driver.WaitForStepAsync(WorkOrderOrchestrator.InstanceIdFor(id, 2027, 2), nameof(WorkOrderClaimed));
    }
}
