using Governance.Domain.Calendar;
using Governance.Domain.Evaluation;
using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.AnnualReviews;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Workflows.Tests;

/// <summary>
/// The year-end evaluation meeting never records a project's answer that the project did not give: a project not at
/// its rating step is refused at once in the meeting's own step, and a project that cannot take the rating right now
/// (suspended) is asked again until it answers. Real runtime and Azurite, fake clock.
/// </summary>
public sealed class EvaluationMeetingRatingTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_project_not_at_its_rating_step_is_refused_at_once_and_a_suspended_one_takes_its_rating_once_it_resumes()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, ChinaTime.At(new DateOnly(2026, 3, 2), new TimeOnly(9, 0)));
        var (client, driver) = (host.Client, host.Driver);
        const string ready = "rating-2026-幸福里食堂助餐服务", other = "rating-2026-other", behind = "rating-2026-behind";
        foreach (string p in new[] { ready, other, behind })
        {
            var input = Payloads.FundedProject() with { Street = "浏河镇", Community = "浏河社区", Year = 2026, ProjectName = "项目" + p };
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ProjectLifecycleOrchestrator), input,
                new StartOrchestrationOptions(p) { Tags = CommunityProjectsCatalog.Project.TagsFromInput(input) });
            await driver.SubmitWhenWaitingAsync(p, nameof(TeamFormed), Payloads.Team(host.Today));
            await driver.SubmitWhenWaitingAsync(p, nameof(ProgressReported), new ProgressReported("活动开展", 2, 80, 9_000m));
            await driver.SubmitWhenWaitingAsync(p, nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_500m));
        }

        // Two projects reach their rating step; the third still waits for its audit.
        foreach (string p in new[] { ready, other })
        {
            await driver.SubmitWhenWaitingAsync(p, nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"));
            await driver.WaitForStepAsync(p, nameof(SatisfactionRated));
        }

        const string meeting = "rating-meeting";
        var meetingInput = new EvaluationMeetingInput("浏河镇", "浏河社区", 2026, LastYear: 2026);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(EvaluationMeetingOrchestrator), meetingInput,
            new StartOrchestrationOptions(meeting) { Tags = AnnualReviewsCatalog.EvaluationMeeting.TagsFromInput(meetingInput) });
        await driver.WaitForStepAsync(meeting, nameof(EvaluationMeetingHeld));

        // Rating the project that is behind is refused in the meeting's step, naming it and the rule (a 409 over HTTP).
        var refused = await client.SubmitAsync(meeting, nameof(EvaluationMeetingHeld), new EvaluationMeetingHeld(host.Today, 80,
            [new ProjectRating(ready, "台账齐全", 40, 38), new ProjectRating(other, "服务点运转正常", 40, 36), new ProjectRating(behind, "现场查看", 40, 30)]));
        Assert.Equal((SubmissionStatus.Rejected, StateConflictRules.ProjectNotAtRatingStep, "ratings"), (refused.Status, refused.Decision!.Rule, refused.Decision.Field));
        Assert.Contains(behind, refused.Decision.MessageEn);
        Assert.Contains(behind, refused.Decision.MessageZh);
        Assert.Contains("尚未进入满意度测评步骤", refused.Decision.MessageZh);

        // One project is paused when the meeting's rating reaches it: the meeting waits and asks it again, the other
        // project takes its rating meanwhile.
        await client.SuspendInstanceAsync(ready, "检查台账");
        await driver.AdvanceUntilAsync(ready, _ => true, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        await driver.SubmitWhenWaitingAsync(meeting, nameof(EvaluationMeetingHeld), new EvaluationMeetingHeld(host.Today, 80,
            [new ProjectRating(ready, "台账齐全", 40, 38), new ProjectRating(other, "服务点运转正常", 40, 36)]));
        await driver.AdvanceUntilAsync(meeting, s => s.StepEn.StartsWith("Waiting for 1 project", StringComparison.Ordinal));
        var notices = await host.Host.Services.GetRequiredService<NotificationOutbox>().QueryAsync(meeting, null, null, 100);
        Assert.Single(notices, n => n.NoticeId.EndsWith(".waiting", StringComparison.Ordinal));
        Assert.Single(notices, n => n.NoticeId == $"2026.Rating.{ready}.waiting" && n.Recipient == Roles.StreetOffice);
        Assert.Contains((await client.GetInstanceHistoryAsync(other)).OfType<SubmissionEvent>(),
            e => e.Name == nameof(SatisfactionRated) && e.Decision!.Status == SubmissionStatus.Accepted);

        await client.ResumeInstanceAsync(ready, "台账已核");
        var done = await driver.WaitForCompletionAsync(meeting);

        var record = done.ReadOutputAs<EvaluationMeetingRecord>()!;
        Assert.Equal([(ready, SubmissionStatus.Accepted), (other, SubmissionStatus.Accepted)], record.Rated.Select(r => (r.InstanceId, r.Status)));
        Assert.Equal([behind], record.NotReady.Select(p => p.InstanceId));
        var closed = await driver.WaitForCompletionAsync(ready);
        Assert.Equal(ProjectResult.Closed, closed.ReadOutputAs<ProjectOutcome>()!.Result);
        var ratings = (await client.GetInstanceHistoryAsync(ready)).OfType<SubmissionEvent>().Where(e => e.Name == nameof(SatisfactionRated)).ToList();
        Assert.Single(ratings, e => e.Decision!.Status == SubmissionStatus.Accepted);
        Assert.All(ratings, e => Assert.Equal($"evaluation-meeting:{meeting}", e.Actor));
    }
}
