using Governance.Domain.Calendar;
using Governance.Domain.Evaluation;
using Governance.Domain.JointCommittee;
using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.AnnualReviews;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.JointCommittee;
using Governance.Workflows.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Workflows.Tests;

/// <summary>
/// The yearly processes on the real runtime and Azurite with a fake clock: a committee-year into the next year, a
/// work order's escalations, and the year-end evaluation meeting rating its projects.
/// </summary>
public sealed class YearlyRhythmIntegrationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string[] Units = JointCommitteeOrchestratorTests.Units;
    private static readonly DateTimeOffset NewYear2026 = ChinaTime.StartOfDay(new DateOnly(2026, 1, 1));

    [Fact]
    public async Task A_committee_year_has_four_regular_meetings_escalates_the_missed_quarter_and_continues_into_a_small_next_year()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, NewYear2026);
        var (client, driver) = (host.Client, host.Driver);
        const string id = "liuhe-committee";
        var input = new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(JointCommitteeOrchestrator), input,
            new StartOrchestrationOptions(id) { Tags = JointCommitteeCatalog.Committee.TagsFromInput(input) });

        foreach (string unit in Units)
        {
            await driver.SubmitWhenWaitingAsync(id, nameof(UnitResourcesUpdated), new UnitResourcesUpdated(unit, ["活动室"]));
        }

        foreach (int quarter in new[] { 1, 2, 4 })
        {
            // Q3 is skipped: nobody sets its date.
            await driver.AdvanceUntilAsync(id, s => s.OpenSteps.Any(o => o.StepToken == HumanStep.StepToken(nameof(JointMeetingScheduled), quarter)));
            var date = host.Today.AddDays(14);
            await driver.SubmitWhenWaitingAsync(id, nameof(JointMeetingScheduled), new JointMeetingScheduled(date, Units[quarter - 1]));
            await driver.SubmitWhenWaitingAsync(id, nameof(JointMeetingNoticeIssued), new JointMeetingNoticeIssued(["停车难"], Units[quarter - 1]));
            await driver.SubmitWhenWaitingAsync(id, nameof(JointMeetingMinutesRecorded), JointCommitteeOrchestratorTests.Minutes([new(Units[0], "排查停车位")]));
            Assert.Equal(date, host.Today); // the minutes step opened on the meeting day, after the reminder

            var reminder = (await host.Host.Services.GetRequiredService<NotificationOutbox>().QueryAsync(id, null, null, 1000))
                .Single(n => n.NoticeId == $"2026.Meeting.Q{quarter}.Reminder");
            Assert.Equal(ChinaTime.At(date.AddDays(-1), HumanStep.NoticeTime), reminder.NoticeAt);
        }

        await driver.SubmitWhenWaitingAsync(id, nameof(YearEndAssessed), new YearEndAssessed(
            [new(Units[0], 3, 90m), new(Units[1], 0, 85m), new(Units[2], 0, 80m), new(Units[3], 0, 88m)], "浏河镇党委"));
        string firstExecution = (await client.GetInstanceAsync(id))!.ExecutionId!;
        var next = await driver.AdvanceUntilAsync(id, s => s.OpenSteps.Any(o => o.EventName == nameof(JointMeetingScheduled)), m => m.ExecutionId != firstExecution);

        // The year's history stays readable by its execution and holds exactly three held meetings of four quarters.
        var executions = await client.GetExecutionIdsAsync(id);
        Assert.Equal([firstExecution, next.ExecutionId!], executions);
        var year = await client.GetInstanceHistoryAsync(id, firstExecution);
        var accepted = year.OfType<SubmissionEvent>().Where(e => e.Decision!.Status == SubmissionStatus.Accepted).ToList();
        Assert.Equal(3, accepted.Count(e => e.Name == nameof(JointMeetingMinutesRecorded)));
        Assert.Equal(3, accepted.Count(e => e.Name == nameof(JointMeetingScheduled)));
        var summary = next.ReadInputAs<JointCommitteeInput>()!.PreviousYear!;
        Assert.Equal([true, true, false, true], summary.RegularMeetings.Select(m => m.Held));
        Assert.Equal(96.0m, summary.Scores[0].Score); // 3 of 3 tasks (60%) and a rating of 90 (40%)

        // Q3's end escalated to the street office.
        var outbox = host.Host.Services.GetRequiredService<NotificationOutbox>();
        var missed = (await outbox.QueryAsync(id, null, null, 1000)).Single(n => n.NoticeId == "2026.JointMeetingScheduled.Q3.missed");
        Assert.Equal((EscalationLevel.StreetOffice, new DateOnly(2026, 9, 30)), ((EscalationLevel)missed.EscalationLevel, missed.NoticeDate));

        // The chair carries on (rotation 4 = the first unit again) and the new year starts small.
        var nextInput = next.ReadInputAs<JointCommitteeInput>()!;
        Assert.Equal((2027, 4), (nextInput.Year, nextInput.ChairRotation));
        // A search by year finds the committee in the year it is in.
        Assert.Equal("2027", next.Tags["year"]);
        var in2026 = client.GetAllInstancesAsync(new OrchestrationQuery { Tags = new Dictionary<string, string> { ["year"] = "2026" }, Name = nameof(JointCommitteeOrchestrator) });
        await foreach (var m in in2026)
        {
            Assert.NotEqual(id, m.InstanceId);
        }

        var q1 = next.ReadCustomStatusAs<WorkflowStatus>()!.OpenSteps.Single(o => o.EventName == nameof(JointMeetingScheduled));
        Assert.Equal(($"Set the Q1 joint meeting's date (chair: {Units[0]})", "committeeChair"), (q1.StepEn, q1.ResponsibleRole));
        Assert.True(year.Count > 200, $"the year's history has {year.Count} events");
        Assert.True(next.HistoryEventCount < 30, $"the new year starts with {next.HistoryEventCount} events");
    }

    [Fact]
    public async Task A_work_order_is_its_own_instance_escalates_unclaimed_and_overdue_and_shows_in_the_inbox()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, ChinaTime.At(new DateOnly(2026, 3, 2), new TimeOnly(9, 0)));
        var (client, driver) = (host.Client, host.Driver);
        const string id = "liuhe-orders";
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(JointCommitteeOrchestrator), new JointCommitteeInput("浏河镇", "浏河社区", 2026, Units),
            new StartOrchestrationOptions(id));
        await driver.SubmitWhenWaitingAsync(id, nameof(WorkOrderRaised), new WorkOrderRaised("3号楼楼道堆物清理", "消防隐患", new DateOnly(2026, 3, 13), "浏河社区"));

        string order = WorkOrderOrchestrator.InstanceIdFor(id, 2026, 1);
        var unclaimed = await driver.AdvanceUntilAsync(order, s => s.OpenSteps.Any(o => o.EventName == nameof(WorkOrderClaimed) && o.EscalationLevel == (int)EscalationLevel.Supervisor));
        Assert.Equal(id, unclaimed.Tags[JointCommitteeCatalog.CommitteeTag]);
        await driver.SubmitWhenWaitingAsync(order, nameof(WorkOrderClaimed), new WorkOrderClaimed("浏河镇派出所", ClaimantKind.MemberUnit));
        await driver.AdvanceUntilAsync(order, s => s.OpenSteps.Any(o => o.EventName == nameof(WorkOrderCompleted) && o.EscalationLevel == (int)EscalationLevel.Supervisor));
        await driver.SubmitWhenWaitingAsync(order, nameof(WorkOrderCompleted), new WorkOrderCompleted("杂物已清运", 12, 11));
        var done = await driver.WaitForCompletionAsync(order);

        Assert.True(done.ReadOutputAs<WorkOrderOutcome>()!.Overdue);
        var notices = await host.Host.Services.GetRequiredService<NotificationOutbox>().QueryAsync(order, null, null, 100);
        Assert.Contains(notices, n => n.EventName == nameof(WorkOrderClaimed) && n.Kind == NotificationKinds.Escalation);
        Assert.Contains(notices, n => n.EventName == nameof(WorkOrderCompleted) && n.Kind == NotificationKinds.Escalation);
        // What people were told is on the audit trail too, with its figures (not only in the history).
        var trail = await new Governance.Durable.Audit.AuditTrail(host.Host.Services.GetRequiredService<DurableTaskHub>()).ReadAsync(order);
        var told = trail!.Where(r => r.Kind == Governance.Durable.Audit.AuditKinds.TaskRecorded).ToList();
        Assert.Contains(told, r => r.Figures.Values.Contains(NotificationKinds.Escalation) && r.Figures.Values.Contains(nameof(WorkOrderCompleted)));
        Assert.True((await new Governance.Durable.Audit.AuditTrail(host.Host.Services.GetRequiredService<DurableTaskHub>()).VerifyAsync(order)).Intact);
        // The committee's history holds the order's submission and start, nothing of its claim or completion.
        var committee = await client.GetInstanceHistoryAsync(id);
        Assert.DoesNotContain(committee, e => e is SubmissionEvent s && s.Name is nameof(WorkOrderClaimed) or nameof(WorkOrderCompleted));
        Assert.Single(committee.OfType<TaskScheduledEvent>(), e => e.Name == nameof(StartWorkOrderActivity));
    }

    [Fact]
    public async Task The_year_end_evaluation_meeting_rates_each_project_of_the_year_once_and_the_projects_go_on_to_close()
    {
        var start = ChinaTime.At(new DateOnly(2026, 3, 2), new TimeOnly(9, 0));
        await using var host = await FakeClockHost.StartAsync(azurite, start);
        var (client, driver) = (host.Client, host.Driver);
        string[] projects = ["liuhe-2026-a", "liuhe-2026-b"];
        foreach (string p in projects)
        {
            var input = Payloads.FundedProject() with { Street = "浏河镇", Community = "浏河社区", Year = 2026, ProjectName = "项目" + p[^1] };
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ProjectLifecycleOrchestrator), input,
                new StartOrchestrationOptions(p) { Tags = CommunityProjectsCatalog.Project.TagsFromInput(input) });
            await driver.SubmitWhenWaitingAsync(p, nameof(TeamFormed), Payloads.Team(host.Today));
            await driver.SubmitWhenWaitingAsync(p, nameof(ProgressReported), new ProgressReported("活动开展", 2, 80, 9_000m));
            await driver.SubmitWhenWaitingAsync(p, nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_500m));
            await driver.SubmitWhenWaitingAsync(p, nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"));
            await driver.WaitForStepAsync(p, nameof(SatisfactionRated));
        }

        // Another community's project of the same year is not the meeting's.
        const string meeting = "liuhe-evaluation";
        var meetingInput = new EvaluationMeetingInput("浏河镇", "浏河社区", 2026, LastYear: 2026);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(EvaluationMeetingOrchestrator), meetingInput,
            new StartOrchestrationOptions(meeting) { Tags = AnnualReviewsCatalog.EvaluationMeeting.TagsFromInput(meetingInput) });
        var open = await driver.WaitForStepAsync(meeting, nameof(EvaluationMeetingHeld));
        Assert.Equal(new DateOnly(2026, 12, 15), host.Today); // the configured day
        var refused = await client.SubmitAsync(meeting, nameof(EvaluationMeetingHeld), new EvaluationMeetingHeld(host.Today, 120,
            [new ProjectRating(projects[0], "台账齐全", 60, 58)]));
        Assert.Equal((SubmissionStatus.Rejected, "meeting.ratings", "ratings"), (refused.Status, refused.Decision!.Rule, refused.Decision.Field));
        await driver.SubmitWhenWaitingAsync(meeting, nameof(EvaluationMeetingHeld), new EvaluationMeetingHeld(host.Today, 120,
            [new ProjectRating(projects[0], "台账齐全,活动照片完整", 60, 58), new ProjectRating(projects[1], "现场查看服务点运转正常", 60, 57)]));
        var done = await driver.WaitForCompletionAsync(meeting);

        var record = done.ReadOutputAs<EvaluationMeetingRecord>()!;
        Assert.Equal(projects, record.Rated.Select(r => r.InstanceId));
        Assert.All(record.Rated, r => Assert.Equal(SubmissionStatus.Accepted, r.Status));
        Assert.Equal(0.9583m, record.OverallSatisfaction);
        foreach (string p in projects)
        {
            var closed = await driver.WaitForCompletionAsync(p);
            Assert.Equal(ProjectResult.Closed, closed.ReadOutputAs<ProjectOutcome>()!.Result);
            var ratings = (await client.GetInstanceHistoryAsync(p)).OfType<SubmissionEvent>()
                .Where(e => e.Name == nameof(SatisfactionRated) && e.Decision!.Status == SubmissionStatus.Accepted).ToList();
            Assert.Equal($"evaluation-meeting:{meeting}", Assert.Single(ratings).Actor);
        }
    }
}
