using Governance.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Durable.Tests;

public sealed record Report(int Count, string? Note);

/// <summary>A report each month: the month's step opens when the month is over and takes one valid report.</summary>
public sealed class MonthlyReports : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int months)
    {
        int total = 0;
        for (int month = 1; month <= months; month++)
        {
            if (month > 1)
            {
                await context.CreateTimer(context.CurrentUtcDateTime.AddDays(30), CancellationToken.None);
            }

            int m = month;
            total += await context.WaitForSubmission<Report, int>("Report", r =>
            {
                if (r.Count < 0)
                {
                    throw new SubmissionRejectedException("report.count", "count", "The count must not be negative.", "数量不能为负数。");
                }

                return SubmissionAcceptance.Of(r.Count, $"Month {m}: {r.Count}", $"第{m}月：{r.Count}");
            }, new SubmissionWaitOptions { StepToken = $"Report#{m}" });
        }

        return total;
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class SubmissionTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private Task<TestHost> StartAsync(FakeTimeProvider clock, Action<DurableTaskOptions>? configure = null, string? hubName = null)
        => TestHost.StartAsync(azurite, r => r.AddOrchestrator<MonthlyReports>(), clock, configure, hubName: hubName);

    private static async Task<string> StartReportsAsync(TestHost host, int months)
    {
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(MonthlyReports), months);
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Report"));
        return id;
    }

    [Fact]
    public async Task Accepted_submission_is_answered_with_its_summary_and_recorded_once_with_the_actor()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await StartReportsAsync(host, 1);

        var outcome = await host.Client.WithActor("dev-staff").SubmitAsync(id, "Report", new Report(7, "ok"));

        Assert.Equal(SubmissionStatus.Accepted, outcome.Status);
        Assert.Equal("Month 1: 7", outcome.Decision!.SummaryEn);
        Assert.Equal("Report#1", outcome.Decision.StepToken);
        Assert.Equal(7, (await host.WaitForCompletionAsync(id)).ReadOutputAs<int>());
        var recorded = Assert.Single((await host.Client.GetInstanceHistoryAsync(id)).OfType<SubmissionEvent>());
        Assert.Equal("dev-staff", recorded.Actor);
        Assert.Equal(SubmissionStatus.Accepted, recorded.Decision!.Status);
    }

    [Fact]
    public async Task Rejected_submission_names_rule_and_field_and_leaves_the_step_open()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await StartReportsAsync(host, 1);

        var refused = await host.Client.SubmitAsync(id, "Report", new Report(-1, null));
        var wrongType = await host.Client.SubmitAsync(id, "report", new { count = "many" });

        Assert.Equal(SubmissionStatus.Rejected, refused.Status);
        Assert.Equal("report.count", refused.Decision!.Rule);
        Assert.Equal("count", refused.Decision.Field);
        Assert.Equal("数量不能为负数。", refused.Decision.MessageZh);
        Assert.Equal(SubmissionStatus.Rejected, wrongType.Status);
        Assert.Equal("payload.invalid", wrongType.Decision!.Rule);
        var still = await host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Running, still!.RuntimeStatus);
        Assert.Contains("Report", still.WaitingForEvents);

        Assert.Equal(SubmissionStatus.Accepted, (await host.Client.SubmitAsync(id, "Report", new Report(3, null))).Status);
        Assert.Equal(3, (await host.WaitForCompletionAsync(id)).ReadOutputAs<int>());
        var history = (await host.Client.GetInstanceHistoryAsync(id)).OfType<SubmissionEvent>().Select(e => e.Decision!.Status).ToList();
        Assert.Equal([SubmissionStatus.Rejected, SubmissionStatus.Rejected, SubmissionStatus.Accepted], history);
    }

    [Fact]
    public async Task A_submission_while_the_step_is_not_open_is_refused_and_never_used_later()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await StartReportsAsync(host, 2);

        var month1 = await host.Client.SubmitAsync(id, "Report", new Report(1, null));
        var early = await host.Client.SubmitAsync(id, "Report", new Report(100, "month 1 again"));
        Assert.Equal(SubmissionStatus.Accepted, month1.Status);
        Assert.Equal(SubmissionStatus.NotAwaited, early.Status);
        Assert.Empty(early.Decision!.Awaiting!.Where(a => a.EventName == "Report"));

        await host.WaitUntilAsync(id, m => m.NextTimerDueAt is not null);
        clock.Advance(TimeSpan.FromDays(30));
        var month2Open = await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Report"));
        Assert.Equal(OrchestrationRuntimeStatus.Running, month2Open.RuntimeStatus);

        var late = await host.Client.SubmitAsync(id, "Report", new Report(5, null), new SubmitOptions { StepToken = "Report#1" });
        Assert.Equal(SubmissionStatus.WrongStep, late.Status);
        Assert.Equal("Report#2", late.Decision!.StepToken);
        Assert.Equal(SubmissionStatus.Accepted, (await host.Client.SubmitAsync(id, "Report", new Report(2, null), new SubmitOptions { StepToken = "Report#2" })).Status);
        Assert.Equal(3, (await host.WaitForCompletionAsync(id)).ReadOutputAs<int>());
    }

    [Fact]
    public async Task Thirty_concurrent_submissions_of_one_step_accept_exactly_one()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await StartReportsAsync(host, 2);

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 30).Select(i => host.Client.SubmitAsync(id, "Report", new Report(i, null))));

        Assert.Single(outcomes, o => o.Status == SubmissionStatus.Accepted);
        Assert.All(outcomes.Where(o => o.Status != SubmissionStatus.Accepted), o => Assert.Equal(SubmissionStatus.NotAwaited, o.Status));
        var history = (await host.Client.GetInstanceHistoryAsync(id)).OfType<SubmissionEvent>().ToList();
        Assert.Single(history, e => e.Decision!.Status == SubmissionStatus.Accepted);
        Assert.Equal(30, history.Count);
        Assert.Equal(30, history.Select(e => e.SubmissionId).Distinct().Count());
    }

    [Fact]
    public async Task Same_submission_id_gives_the_same_answer_once_and_another_body_is_refused()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await StartReportsAsync(host, 2);
        var options = new SubmitOptions { SubmissionId = "month-1-report" };

        var first = await host.Client.SubmitAsync(id, "Report", new Report(4, null), options);
        var retries = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => host.Client.SubmitAsync(id, "Report", new Report(4, null), options)));
        var otherBody = await host.Client.SubmitAsync(id, "Report", new Report(9, null), options);

        Assert.Equal(SubmissionStatus.Accepted, first.Status);
        Assert.All(retries, r => Assert.Equal(first.Decision, r.Decision));
        Assert.Equal(SubmissionStatus.IdempotencyConflict, otherBody.Status);
        Assert.Single((await host.Client.GetInstanceHistoryAsync(id)).OfType<SubmissionEvent>(), e => e.SubmissionId == "month-1-report");
        Assert.Equal(SubmissionStatus.Accepted, (await host.Client.GetSubmissionAsync(id, "month-1-report"))!.Status);
        Assert.Null(await host.Client.GetSubmissionAsync(id, "never-sent"));
    }

    [Fact]
    public async Task A_refused_submission_can_be_sent_again_under_its_id_once_the_step_opens()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await StartReportsAsync(host, 2);
        Assert.Equal(SubmissionStatus.Accepted, (await host.Client.SubmitAsync(id, "Report", new Report(1, null))).Status);
        var month2 = new SubmitOptions { SubmissionId = "month-2" };

        var tooEarly = await host.Client.SubmitAsync(id, "Report", new Report(2, null), month2);
        await host.WaitUntilAsync(id, m => m.NextTimerDueAt is not null);
        clock.Advance(TimeSpan.FromDays(30));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Report"));
        var onTime = await host.Client.SubmitAsync(id, "Report", new Report(2, null), month2);
        var repeated = await host.Client.SubmitAsync(id, "Report", new Report(2, null), month2);

        Assert.Equal(SubmissionStatus.NotAwaited, tooEarly.Status);
        Assert.Equal(SubmissionStatus.Accepted, onTime.Status);
        Assert.Equal(onTime.Decision, repeated.Decision);
        Assert.Equal(3, (await host.WaitForCompletionAsync(id)).ReadOutputAs<int>());
        var recorded = (await host.Client.GetInstanceHistoryAsync(id)).OfType<SubmissionEvent>().Where(e => e.SubmissionId == "month-2").ToList();
        Assert.Equal([SubmissionStatus.NotAwaited, SubmissionStatus.Accepted], recorded.Select(e => e.Decision!.Status));
        Assert.Equal([1, 2], recorded.Select(e => e.Attempt));
    }

    [Fact]
    public async Task A_suspended_instance_refuses_submissions_and_takes_them_again_after_resume()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await StartReportsAsync(host, 1);
        await host.Client.SuspendInstanceAsync(id, "audit");
        await host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);

        var whileSuspended = await host.Client.SubmitAsync(id, "Report", new Report(1, null));
        await host.Client.ResumeInstanceAsync(id);
        await host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        var afterResume = await host.Client.SubmitAsync(id, "Report", new Report(2, null));

        Assert.Equal(SubmissionStatus.NotAwaited, whileSuspended.Status);
        Assert.Equal(SubmissionStatus.Accepted, afterResume.Status);
        Assert.Equal(2, (await host.WaitForCompletionAsync(id)).ReadOutputAs<int>());
    }

    [Fact]
    public async Task Finished_and_unknown_instances_are_answered_without_recording()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await StartReportsAsync(host, 1);
        await host.Client.SubmitAsync(id, "Report", new Report(1, null), new SubmitOptions { SubmissionId = "the-report" });
        await host.WaitForCompletionAsync(id);
        int historyCount = (await host.Client.GetInstanceHistoryAsync(id)).Count;

        var late = await host.Client.SubmitAsync(id, "Report", new Report(1, null), new SubmitOptions { SubmissionId = "too-late" });
        var retry = await host.Client.SubmitAsync(id, "Report", new Report(1, null), new SubmitOptions { SubmissionId = "the-report" });

        Assert.Equal(SubmissionStatus.NotAwaited, late.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, late.RuntimeStatus);
        Assert.Null(await host.Client.GetSubmissionAsync(id, "too-late")); // a refused request leaves nothing behind
        Assert.Equal(historyCount, (await host.Client.GetInstanceHistoryAsync(id)).Count);
        Assert.Equal(SubmissionStatus.Accepted, retry.Status); // an idempotent retry still gets its answer
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.SubmitAsync("no-such-instance", "Report", new Report(1, null)));
    }

    [Fact]
    public async Task Accepted_submissions_replay_after_a_restart_without_the_cache()
    {
        var clock = new FakeTimeProvider(Start);
        string hub = TestHost.NewHubName();
        string id;
        await using (var first = await StartAsync(clock, o => o.InstanceCacheSize = 0, hub))
        {
            id = await StartReportsAsync(first, 3);
            Assert.Equal(SubmissionStatus.Rejected, (await first.Client.SubmitAsync(id, "Report", new Report(-5, null))).Status);
            Assert.Equal(SubmissionStatus.Accepted, (await first.Client.SubmitAsync(id, "Report", new Report(10, null))).Status);
            await first.WaitUntilAsync(id, m => m.NextTimerDueAt is not null);
        }

        await using var second = await StartAsync(clock, o => o.InstanceCacheSize = 0, hub);
        clock.Advance(TimeSpan.FromDays(30));
        await second.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Report"));
        Assert.Equal(SubmissionStatus.Accepted, (await second.Client.SubmitAsync(id, "Report", new Report(20, null))).Status);
        await second.WaitUntilAsync(id, m => m.NextTimerDueAt is not null);
        clock.Advance(TimeSpan.FromDays(30));
        await second.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Report"));
        Assert.Equal(SubmissionStatus.Accepted, (await second.Client.SubmitAsync(id, "Report", new Report(30, null))).Status);

        Assert.Equal(60, (await second.WaitForCompletionAsync(id)).ReadOutputAs<int>());
    }
}
