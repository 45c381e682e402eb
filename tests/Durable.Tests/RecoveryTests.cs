using Azure.Storage.Queues;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Durable.Tests;

/// <summary>
/// Holds a step's session loop at <see cref="FaultPoint.AfterDispatch"/> until the activity it dispatched has run and
/// reached <see cref="FaultPoint.BeforeResultHandOff"/>; the loop then checks for quiescence, and only after that
/// check the host is killed, before the result reaches the instance. This is the window where a trigger could be
/// deleted while the work it caused was only in memory.
/// </summary>
public sealed class CrashBeforeResultHandOff : IDurableFaultInjector
{
    private readonly ManualResetEventSlim handOffReached = new();
    private readonly ManualResetEventSlim quiescenceChecked = new();
    private int dispatches;

    public DurableTaskHub? Hub { get; set; }

    public string? InstanceId { get; set; }

    public bool Crashed { get; private set; }

    public bool? TriggersReleased { get; private set; }

    public void OnQuiescenceChecked(string instanceId, bool released)
    {
        if (instanceId == InstanceId && !quiescenceChecked.IsSet)
        {
            TriggersReleased = released;
            quiescenceChecked.Set();
        }
    }

    public void At(FaultPoint point, string instanceId)
    {
        if (instanceId != InstanceId || Crashed)
        {
            return;
        }

        if (point == FaultPoint.AfterDispatch && Interlocked.Increment(ref dispatches) == 1)
        {
            handOffReached.Wait(TimeSpan.FromSeconds(30));
        }
        else if (point == FaultPoint.BeforeResultHandOff)
        {
            handOffReached.Set();
            quiescenceChecked.Wait(TimeSpan.FromSeconds(30));
            Crashed = true;
            Hub!.Crash();
            throw new InvalidOperationException("Simulated crash before an activity result was handed over.");
        }
    }
}

/// <summary>Awaits one gated activity.</summary>
public sealed class OneGated : TaskOrchestrator<object?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, object? input) => context.CallActivityAsync<string>(nameof(GatedActivity), "once");
}

[Collection(AzuriteCollection.Name)]
public sealed class RecoveryTests(AzuriteFixture azurite)
{
    private static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<FiveEffects>().AddActivity<RecordEffect>()
        .AddOrchestrator<WaitForTwoEvents>().AddOrchestrator<OneGated>().AddActivity<GatedActivity>().AddOrchestrator<SleepDays>();

    [Fact]
    public async Task A_crash_between_an_activity_ending_and_its_result_reaching_the_instance_loses_nothing()
    {
        string hub = TestHost.NewHubName();
        var ledger = new EffectLedger();
        var crash = new CrashBeforeResultHandOff { InstanceId = "handoff-" + Guid.NewGuid().ToString("N")[..8] };
        void Options(DurableTaskOptions o)
        {
            o.WorkerId = "host-a";
            o.MessageVisibilityTimeout = TimeSpan.FromSeconds(5);
            o.RecoverySweepInterval = Timeout.InfiniteTimeSpan; // the window itself must be closed, not repaired later
        }

        await using (var first = await TestHost.StartAsync(azurite, Tasks, configure: o => { Options(o); o.FaultInjector = crash; }, services: s => s.AddSingleton(ledger), hubName: hub))
        {
            crash.Hub = first.Hub;
            first.Hub.QuiescenceChecked += crash.OnQuiescenceChecked;
            await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FiveEffects), null, new StartOrchestrationOptions(crash.InstanceId));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!crash.Crashed && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.True(crash.Crashed, "the window was reached");
        }

        Assert.False(crash.TriggersReleased, "the start message must be held while the activity's result is not yet in the mailbox");
        await using var second = await TestHost.StartAsync(azurite, Tasks, configure: Options, services: s => s.AddSingleton(ledger), hubName: hub);
        var done = await second.WaitForCompletionAsync(crash.InstanceId, TimeSpan.FromSeconds(60));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(5, ledger.Effects.Count(e => e.Key.Instance == crash.InstanceId));
    }

    [Fact]
    public async Task The_recovery_sweep_re_drives_an_instance_whose_trigger_was_lost()
    {
        string hub = TestHost.NewHubName();
        var gate = new ActivityGate();
        string id = "lost-" + Guid.NewGuid().ToString("N")[..8];
        await using (var first = await TestHost.StartAsync(azurite, Tasks, configure: o => { o.WorkerId = "host-a"; o.RecoverySweepInterval = Timeout.InfiniteTimeSpan; }, services: s => s.AddSingleton(gate), hubName: hub))
        {
            await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(OneGated), null, new StartOrchestrationOptions(id));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref gate.Runs) == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.Equal(1, gate.Runs);
            first.Hub.Crash();
        }

        // Whatever window lost it: the start message (the only trigger) is gone; the activity's outbox row remains.
        for (int p = 0; p < 2; p++)
        {
            var queue = new QueueClient(azurite.ConnectionString, $"{hub.ToLowerInvariant()}-control-{p:D2}");
            await queue.ClearMessagesAsync();
            Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        }

        gate.Release.Release(10);
        await using var second = await TestHost.StartAsync(azurite, Tasks,
            configure: o => { o.WorkerId = "host-a"; o.RecoverySweepInterval = TimeSpan.FromMilliseconds(200); }, services: s => s.AddSingleton(gate), hubName: hub);
        var done = await second.WaitForCompletionAsync(id, TimeSpan.FromSeconds(60));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("once", done.ReadOutputAs<string>());
        Assert.True(second.Hub.RecoveredInstanceCount >= 1);
    }

    [Fact]
    public async Task The_recovery_sweep_leaves_instances_that_wait_for_events_or_timers_alone()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks, configure: o => o.RecoverySweepInterval = TimeSpan.FromMilliseconds(100));
        string waiting = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        string sleeping = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SleepDays), 30.0);
        await host.WaitUntilAsync(waiting, m => m.WaitingForEvents.Contains("First"));
        await host.WaitUntilAsync(sleeping, m => m.NextTimerDueAt is not null);
        int before = host.Hub.Recovery.SweepCount;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.Hub.Recovery.SweepCount < before + 4 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(host.Hub.Recovery.SweepCount >= before + 4, "the sweep ran");
        Assert.Equal(0, host.Hub.RecoveredInstanceCount);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(waiting))!.RuntimeStatus);
        Assert.DoesNotContain(await host.Client.GetInstanceHistoryAsync(sleeping), e => e is TimerFiredEvent);
    }
}
