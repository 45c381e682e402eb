using Governance.Domain.Calendar;
using Governance.Domain.Projects;
using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Workflows.Tests;

/// <summary>
/// The processes on the real runtime and real Azurite, with a fake clock: the test moves time forward to each
/// durable timer, so a year of project passes in seconds. Polling only waits for the worker to catch up; no
/// assertion depends on elapsed real time.
/// </summary>
public sealed class CommunityProjectsIntegrationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Round_with_three_applications_runs_a_year_of_projects_with_escalation_objection_and_rectification()
    {
        await using var fake = await FakeClockHost.StartAsync(azurite, new DateTimeOffset(Payloads.RoundOpensUtc));
        var (client, driver, clock, host) = (fake.Client, fake.Driver, fake.Clock, fake.Host);
        const string round = "qingyuan2025";
        var input = Payloads.Round(budget: 30_000m, cap: 12_000m);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(FundingRoundOrchestrator), input,
            new StartOrchestrationOptions(round) { Tags = CommunityProjectsCatalog.FundingRound.TagsFromInput(input) });

        var community = client.WithActor("community:qingyuan");
        await driver.WaitForStepAsync(round, nameof(ApplicationSubmitted));
        await community.SubmitAcceptedAsync(round, nameof(ApplicationSubmitted), Payloads.Application("金华里社区", "新居民之家", 10_000m, 168, 240, months: 12));
        await community.SubmitAcceptedAsync(round, nameof(ApplicationSubmitted), Payloads.Application("滨河西里南区社区", "帮老助困服务队", 8_000m, 499, 1_000));
        await community.SubmitAcceptedAsync(round, nameof(ApplicationSubmitted), Payloads.Application("郁花园社区", "社区文化活动中心", 10_000m, 100, 200, months: 1));

        // The deadline passes (reminders on the way); the review meeting opens.
        await driver.WaitForStepAsync(round, nameof(ReviewMeetingHeld));
        await client.WithActor("streetOffice:service-centre").SubmitAcceptedAsync(round, nameof(ReviewMeetingHeld),
            new ReviewMeetingHeld(new DateOnly(2025, 3, 20), 40, [new ReviewVoteTally(1, 35, 30, 30), new ReviewVoteTally(3, 30, 25, 25)]));
        await driver.WaitForStepAsync(round, nameof(FundingDecided));
        await client.WithActor("leadershipGroup").SubmitAcceptedAsync(round, nameof(FundingDecided), new FundingDecided([new Grant(1, 10_000m), new Grant(3, 10_000m)], null, "领导小组"));
        await driver.WaitForChildStepAsync(round, FundingRoundOrchestrator.ProjectInstanceId(round, 1), nameof(TeamFormed));

        string yearLong = FundingRoundOrchestrator.ProjectInstanceId(round, 1), monthLong = FundingRoundOrchestrator.ProjectInstanceId(round, 3);
        var today = ChinaTime.ToChinaDate(clock.GetUtcNow());

        // Both teams form at once (so neither step escalates while the other project is driven); the short project runs straight through.
        await driver.SubmitWhenWaitingAsync(yearLong, nameof(TeamFormed), Payloads.Team(today));
        await driver.SubmitWhenWaitingAsync(monthLong, nameof(TeamFormed), Payloads.Team(today));
        await driver.SubmitWhenWaitingAsync(monthLong, nameof(ProgressReported), new ProgressReported("文化团队活动", 2, 80, 9_000m));
        await driver.SubmitWhenWaitingAsync(monthLong, nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_500m));
        await driver.SubmitWhenWaitingAsync(monthLong, nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"));
        await driver.SubmitWhenWaitingAsync(monthLong, nameof(SatisfactionRated), new SatisfactionRated(150, 144, ChinaTime.ToChinaDate(clock.GetUtcNow())));
        await driver.WaitForCompletionAsync(monthLong);

        // Year-long project: month 2 is late and escalates to the street office.
        for (int month = 1; month <= 12; month++)
        {
            // Wait for this month's occurrence: right after a report is taken the view may still show the last one open.
            string token = HumanStep.StepToken(nameof(ProgressReported), month);
            await driver.AdvanceUntilAsync(yearLong, s => s.OpenSteps.Any(o => o.StepToken == token));
            if (month == 2)
            {
                await driver.AdvanceUntilAsync(yearLong, s => s.OpenSteps.Any(o => o.StepToken == token && o.EscalationLevel == (int)EscalationLevel.StreetOffice));
            }

            var monthly = await client.WithActor("staff").SubmitAsync(yearLong, nameof(ProgressReported), new ProgressReported($"第{month}个月", 2, 40 * month, 800m * month),
                new SubmitOptions { StepToken = token });
            Assert.True(monthly.Status == SubmissionStatus.Accepted, $"month {month}: {monthly.Status} {monthly.Decision?.MessageEn}");
            if (month == 6)
            {
                await driver.SubmitWhenWaitingAsync(yearLong, nameof(MidTermChecked), new MidTermChecked(true, "进度正常", "项目监审组"));
            }
        }

        await driver.SubmitWhenWaitingAsync(yearLong, nameof(CompletionDocumentsSubmitted), Payloads.Completion(10_000m, 9_600m));
        var auditDay = ChinaTime.ToChinaDate(clock.GetUtcNow());
        await driver.SubmitWhenWaitingAsync(yearLong, nameof(AuditCompleted), new AuditCompleted(false, [new AuditFinding("培训费缺少三张发票", auditDay.AddDays(30))], "项目监审组"));
        await driver.SubmitWhenWaitingAsync(yearLong, nameof(RectificationSubmitted), new RectificationSubmitted("已补齐发票"));
        await driver.SubmitWhenWaitingAsync(yearLong, nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"));
        await driver.SubmitWhenWaitingAsync(yearLong, nameof(SatisfactionRated), new SatisfactionRated(200, 192, ChinaTime.ToChinaDate(clock.GetUtcNow())));
        await driver.SubmitWhenWaitingAsync(yearLong, Publicity.ObjectionEvent, new Objection("金华里居民", "满意度样本偏少"), actor: "resident");
        await driver.SubmitWhenWaitingAsync(yearLong, Publicity.RulingEvent, new ObjectionRuled(false, "样本200人符合要求", "街道社区服务中心"), actor: "streetOffice");
        await driver.WaitForCompletionAsync(yearLong);
        var roundDone = await driver.WaitForCompletionAsync(round);

        // The round report.
        Assert.Equal(OrchestrationRuntimeStatus.Completed, roundDone.RuntimeStatus);
        var report = roundDone.ReadOutputAs<FundingRoundReport>()!;
        Assert.Equal("滨河西里南区社区", Assert.Single(report.ScreenedOut).Community);
        Assert.Equal(20_000m, report.Granted);
        Assert.Equal(19_100m, report.Spent);
        Assert.All(report.Projects, p => Assert.Equal(ProjectResult.Closed, p.Result));
        Assert.Equal(2, report.Projects.Single(p => p.InstanceId == yearLong).AuditRounds);

        // Projects started by the round carry their own search tags.
        var yearLongMetadata = await client.GetInstanceAsync(yearLong);
        Assert.Equal("金华里社区", yearLongMetadata!.Tags["community"]);
        Assert.Equal("清源街道", yearLongMetadata.Tags["street"]);

        // The year-long project's history shows every step, who did it, and the escalation.
        var history = await client.GetInstanceHistoryAsync(yearLong);
        var raised = history.OfType<SubmissionEvent>().Where(e => e.Decision!.Status == SubmissionStatus.Accepted).ToList();
        Assert.Equal(12, raised.Count(e => e.Name == nameof(ProgressReported)));
        foreach (var step in new[] { nameof(TeamFormed), nameof(MidTermChecked), nameof(CompletionDocumentsSubmitted), nameof(RectificationSubmitted), nameof(SatisfactionRated), "Objection", "ObjectionRuled" })
        {
            Assert.Contains(raised, e => e.Name == step);
        }

        Assert.Equal(2, raised.Count(e => e.Name == nameof(AuditCompleted)));
        Assert.Equal("resident", raised.Single(e => e.Name == "Objection").Actor);
        var month2Notices = history.OfType<TaskScheduledEvent>().Where(e => e.Name == nameof(RecordNotificationActivity))
            .Select(e => e.Input!).Where(n => n.Contains("\"noticeId\":\"ProgressReported.2.")).ToList();
        Assert.Contains(month2Notices, n => n.Contains("\"kind\":\"Escalation\"") && n.Contains("\"escalationLevel\":2"));
        Assert.DoesNotContain(month2Notices, n => n.Contains("\"escalationLevel\":3"));

        // And the outbox, for staff and auditors.
        var outbox = host.Services.GetRequiredService<NotificationOutbox>();
        var escalations = (await outbox.QueryAsync(yearLong, null, null, 1000))
            .Where(n => n.Kind == NotificationKinds.Escalation && n.NoticeId.StartsWith("ProgressReported.2.", StringComparison.Ordinal)).ToList();
        Assert.Equal([EscalationLevel.Supervisor, EscalationLevel.StreetOffice], escalations.Select(n => (EscalationLevel)n.EscalationLevel).Order());
        Assert.NotEmpty(await outbox.QueryAsync(null, "清源街道", "郁花园社区", 50));
    }
}

internal static class SubmissionAssertions
{
    /// <summary>Submits a step and asserts that the instance took it (the answer is synchronous now).</summary>
    public static async Task SubmitAcceptedAsync(this DurableTaskClient client, string instanceId, string eventName, object payload)
    {
        var outcome = await client.SubmitAsync(instanceId, eventName, payload);
        Assert.True(outcome.Status == SubmissionStatus.Accepted, $"{eventName} to {instanceId}: {outcome.Status} {outcome.Decision?.Rule} {outcome.Decision?.MessageEn}");
    }
}
