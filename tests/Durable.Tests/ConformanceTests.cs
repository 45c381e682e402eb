using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ConformanceTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private static void AllTasks(DurableTaskRegistry r) => r
        .AddOrchestrator<HelloCities>().AddOrchestrator<FanOutFanIn>().AddOrchestrator<SleepDays>()
        .AddOrchestrator<ApprovalWithTimeout>().AddOrchestrator<WaitForTwoEvents>().AddOrchestrator<Parent>()
        .AddOrchestrator<Child>().AddOrchestrator<RetryingOrchestrator>().AddOrchestrator<EternalCounter>().AddOrchestrator<ApproveThenClose>()
        .AddActivity<SayHello>().AddActivity<Square>().AddActivity<Flaky>();

    private Task<TestHost> StartAsync(FakeTimeProvider? clock = null, Action<DurableTaskOptions>? configure = null)
        => TestHost.StartAsync(azurite, AllTasks, clock, configure, s => s.AddSingleton<AttemptCounter>());

    [Fact]
    public async Task Fan_out_fan_in_runs_activities_in_parallel_and_aggregates()
    {
        await using var host = await StartAsync(configure: o => o.MaxConcurrentActivityFunctions = 4);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutFanIn), 30);

        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(Enumerable.Range(1, 30).Sum(i => i * i), done.ReadOutputAs<int>());
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(30, history.OfType<TaskScheduledEvent>().Select(e => e.EventId).Distinct().Count());
        Assert.Equal(30, history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId).Distinct().Count());
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(365)]
    public async Task Timer_of_any_length_is_one_created_and_one_fired_event_and_never_fires_early(double days)
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SleepDays), days);
        var waiting = await host.WaitUntilAsync(id, m => m.NextTimerDueAt is not null);
        Assert.Equal(Start.AddDays(days), waiting.NextTimerDueAt);

        clock.Advance(TimeSpan.FromDays(days) - TimeSpan.FromSeconds(1));
        var almost = await host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Running, almost!.RuntimeStatus);

        clock.Advance(TimeSpan.FromSeconds(1));
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.ReadOutputAs<DateTime>() >= Start.AddDays(days).UtcDateTime);
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Single(history.OfType<TimerCreatedEvent>());
        Assert.Single(history.OfType<TimerFiredEvent>());
    }

    [Fact]
    public async Task External_event_raised_before_the_wait_is_buffered_and_delivered()
    {
        await using var host = await StartAsync();
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await host.Client.RaiseEventAsync(id, "Second", "two");
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));
        await host.Client.WithActor("zhang.community").RaiseEventAsync(id, "First", "one");

        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("one+two", done.ReadOutputAs<string>());
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Contains(history.OfType<EventRaisedEvent>(), e => e.Name == "First" && e.Actor == "zhang.community");
    }

    [Fact]
    public async Task Metadata_tells_which_events_the_instance_waits_for_and_its_custom_status()
    {
        await using var host = await StartAsync();
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));

        var first = await host.WaitUntilAsync(id, m => m.WaitingForEvents.Count > 0);
        Assert.Equal(["First"], first.WaitingForEvents);
        Assert.Contains("waiting for first", first.SerializedCustomStatus);

        await host.Client.RaiseEventAsync(id, "First", "a");
        var second = await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Second"));
        Assert.Contains("waiting for second", second.SerializedCustomStatus);
    }

    [Fact]
    public async Task WhenAny_of_event_and_timeout_takes_the_event_when_it_comes_first()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), 5.0);
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Approval") && m.NextTimerDueAt is not null);

        await host.Client.RaiseEventAsync(id, "Approval", new Approval("Leadership group", true));
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("approved by Leadership group", done.ReadOutputAs<string>());
        // The losing timer was cancelled: firing it later changes nothing.
        clock.Advance(TimeSpan.FromDays(6));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
    }

    [Fact]
    public async Task A_cancelled_timer_that_comes_due_later_is_not_recorded_in_history()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApproveThenClose));
        await host.WaitUntilAsync(id, m => m.NextTimerDueAt is not null);
        await host.Client.RaiseEventAsync(id, "Approval", new Approval("Street office", true));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Close"));

        clock.Advance(TimeSpan.FromDays(6));
        var timers = new Azure.Data.Tables.TableServiceClient(azurite.ConnectionString).GetTableClient(host.Hub.HubName + "Timers");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (timers.Query<Azure.Data.Tables.TableEntity>(e => e.GetString("InstanceId") == id).Any() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.False(timers.Query<Azure.Data.Tables.TableEntity>(e => e.GetString("InstanceId") == id).Any(), "the fired timer's row is gone");
        await host.Client.RaiseEventAsync(id, "Close", "closed");
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("Street office: closed", done.ReadOutputAs<string>());
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Single(history.OfType<TimerCreatedEvent>());
        Assert.Empty(history.OfType<TimerFiredEvent>());
    }

    [Fact]
    public async Task WhenAny_of_event_and_timeout_times_out_when_the_clock_passes_the_deadline()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalWithTimeout), 5.0);
        await host.WaitUntilAsync(id, m => m.NextTimerDueAt is not null);

        clock.Advance(TimeSpan.FromDays(5));
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("timed out", done.ReadOutputAs<string>());
    }

    [Theory]
    [InlineData("ok", "child said Hello child!")]
    [InlineData("fail", "child failed: the child refused")]
    public async Task Sub_orchestration_result_and_failure_reach_the_parent(string mode, string expected)
    {
        await using var host = await StartAsync();
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Parent), mode);

        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(expected, done.ReadOutputAs<string>());
        var child = await host.Client.GetInstanceAsync(id + ":child");
        Assert.Equal(mode == "ok" ? OrchestrationRuntimeStatus.Completed : OrchestrationRuntimeStatus.Failed, child!.RuntimeStatus);
        Assert.Equal(id, child.ParentInstanceId);
    }

    [Fact]
    public async Task Retries_follow_the_policy_with_durable_backoff_timers_visible_in_history()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(RetryingOrchestrator), 2);

        // Backoff 1 s then 2 s: advance the clock past each retry timer as it appears.
        for (int retry = 1; retry <= 2; retry++)
        {
            int failures = retry;
            await WaitForHistoryAsync(host, id, h => h.OfType<TaskFailedEvent>().Count() == failures && h.OfType<TimerCreatedEvent>().Count() == failures);
            clock.Advance(TimeSpan.FromSeconds(retry * 1));
        }

        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("succeeded on attempt 3", done.ReadOutputAs<string>());
        var final = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(3, final.OfType<TaskScheduledEvent>().Count());
        Assert.Equal(2, final.OfType<TaskFailedEvent>().Count());
        var timers = final.OfType<TimerCreatedEvent>().ToList();
        Assert.Equal(2, timers.Count);
        Assert.Equal(TimeSpan.FromSeconds(2), (timers[1].FireAt - timers[1].Timestamp) );
    }

    [Fact]
    public async Task Retries_give_up_after_the_last_attempt_and_fail_the_orchestration()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(RetryingOrchestrator), 10);
        for (int retry = 1; retry <= 3; retry++)
        {
            int failures = retry;
            await WaitForHistoryAsync(host, id, h => h.OfType<TimerCreatedEvent>().Count() == failures);
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("attempt 4 failed", done.FailureDetails!.ErrorMessage);
    }

    [Fact]
    public async Task ContinueAsNew_keeps_history_bounded_carries_buffered_events_and_keeps_old_generations_readable()
    {
        await using var host = await StartAsync();
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EternalCounter), new CounterState(0, 1));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Add"));
        // Seven events at once: the first execution takes three, the rest are carried over.
        for (int i = 1; i <= 7; i++)
        {
            await host.Client.RaiseEventAsync(id, "Add", i);
        }

        await host.WaitUntilAsync(id, m => m.Generation == 3 && m.WaitingForEvents.Contains("Add"), TimeSpan.FromSeconds(60));
        await host.Client.RaiseEventAsync(id, "Add", -1);
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(28, done.ReadOutputAs<int>());
        var executions = await host.Client.GetExecutionIdsAsync(id);
        Assert.Equal(3, executions.Count);
        var first = await host.Client.GetInstanceHistoryAsync(id, executions[0]);
        // The first execution consumed 1+2+3 and handed the total to the next one; events it did not consume were carried over.
        var handOver = first.OfType<ExecutionCompletedEvent>().Single();
        Assert.Equal(OrchestrationRuntimeStatus.ContinuedAsNew, handOver.Status);
        Assert.Equal(new CounterState(6, 2), DurableJson.Deserialize<CounterState>(handOver.Result));
        var second = await host.Client.GetInstanceHistoryAsync(id, executions[1]);
        // The second consumed the carried-over 4, 5 and 6 first (7 is recorded in whichever execution it reached).
        Assert.Equal([4, 5, 6], second.OfType<EventRaisedEvent>().Select(e => DurableJson.Deserialize<int>(e.Input)).Take(3));
        var current = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(executions[2], current.OfType<ExecutionStartedEvent>().Single().ExecutionId);
    }

    [Fact]
    public async Task Suspend_holds_events_until_resume_and_terminate_ends_with_reason_and_actor()
    {
        await using var host = await StartAsync();
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));

        var admin = host.Client.WithActor("li.admin");
        await admin.SuspendInstanceAsync(id, "audit in progress");
        await host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        await host.Client.RaiseEventAsync(id, "First", "held");
        await WaitForHistoryAsync(host, id, h => h.OfType<ExecutionSuspendedEvent>().Any());
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await admin.ResumeInstanceAsync(id, "audit done");
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Second"));
        await admin.TerminateInstanceAsync(id, "withdrawn by the community");
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Contains(history.OfType<ExecutionSuspendedEvent>(), e => e.Reason == "audit in progress" && e.Actor == "li.admin");
        Assert.Contains(history.OfType<ExecutionResumedEvent>(), e => e.Reason == "audit done");
        Assert.Contains(history.OfType<ExecutionTerminatedEvent>(), e => e.Reason == "withdrawn by the community" && e.Actor == "li.admin");
        Assert.Contains(history.OfType<EventRaisedEvent>(), e => e.Name == "First");
    }

    [Fact]
    public async Task Purge_removes_a_finished_instance_and_its_history_but_not_a_running_one()
    {
        await using var host = await StartAsync();
        string done = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await host.WaitForCompletionAsync(done);
        string running = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await host.WaitUntilAsync(running, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);

        Assert.Equal(1, (await host.Client.PurgeInstanceAsync(done)).PurgedInstanceCount);
        Assert.Equal(0, (await host.Client.PurgeInstanceAsync(running)).PurgedInstanceCount);

        Assert.Null(await host.Client.GetInstanceAsync(done));
        Assert.Empty(await host.Client.GetInstanceHistoryAsync(done));
        Assert.NotNull(await host.Client.GetInstanceAsync(running));
    }

    [Fact]
    public async Task Payloads_larger_than_a_table_row_go_to_blobs_transparently()
    {
        await using var host = await StartAsync();
        string big = string.Concat(Enumerable.Repeat("社区治理 community governance ", 20_000));
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));
        await host.Client.RaiseEventAsync(id, "First", big);
        await host.Client.RaiseEventAsync(id, "Second", "x");

        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(big + "+x", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Starting_an_id_that_is_running_is_refused_and_a_finished_one_restarts_keeping_history()
    {
        await using var host = await StartAsync();
        string id = "2026-qingyuan-" + Guid.NewGuid().ToString("N")[..6];
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents), null, new StartOrchestrationOptions(id));
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents), null, new StartOrchestrationOptions(id)));

        await host.Client.TerminateInstanceAsync(id, "done");
        await host.WaitForCompletionAsync(id);
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), null, new StartOrchestrationOptions(id));
        var restarted = await host.WaitUntilAsync(id, m => m.Name == nameof(HelloCities) && m.RuntimeStatus == OrchestrationRuntimeStatus.Completed);

        Assert.Equal(2, restarted.Generation);
        Assert.Equal(2, (await host.Client.GetExecutionIdsAsync(id)).Count);
    }

    [Fact]
    public async Task Scheduled_start_waits_for_the_start_time_on_the_runtime_clock()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), null, new StartOrchestrationOptions(StartAt: Start.AddDays(30)));

        var pending = await host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending!.RuntimeStatus);
        Assert.Equal(Start.AddDays(30), pending.ScheduledStartAt);

        clock.Advance(TimeSpan.FromDays(30));
        var done = await host.WaitForCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    internal static Task<IReadOnlyList<HistoryEvent>> WaitForHistoryAsync(TestHost host, string id, Func<IReadOnlyList<HistoryEvent>, bool> condition)
        => Eventually.UntilAsync(() => host.Client.GetInstanceHistoryAsync(id), condition, $"the history of {id} to match", pollMilliseconds: 20);
}
