using System.Collections.Concurrent;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Durable.Tests;

/// <summary>Records each activity's effect idempotently (keyed by instance and task id) and counts raw executions.</summary>
public sealed class EffectLedger
{
    public ConcurrentDictionary<(string Instance, int Task), string> Effects { get; } = new();

    public int Executions;
}

public sealed class RecordEffect(EffectLedger ledger) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        Interlocked.Increment(ref ledger.Executions);
        ledger.Effects.TryAdd((context.InstanceId, context.TaskId), input);
        return Task.FromResult("recorded " + input);
    }
}

public sealed class FiveEffects : TaskOrchestrator<object?, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, object? input)
    {
        for (int i = 1; i <= 5; i++)
        {
            await context.CallActivityAsync<string>(nameof(RecordEffect), $"step {i}");
        }

        return 5;
    }
}

/// <summary>A fan-out wider than one storage transaction: its overflow is dispatched from bundle rows.</summary>
public sealed class HundredEffects : TaskOrchestrator<object?, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, object? input)
        => (await Task.WhenAll(Enumerable.Range(1, 100).Select(i => context.CallActivityAsync<string>(nameof(RecordEffect), $"item {i}")))).Length;
}

/// <summary>Simulates a process kill at one point of the commit protocol, once, for one instance.</summary>
public sealed class CrashAt(FaultPoint point, int occurrence) : IDurableFaultInjector
{
    private int seen;

    public DurableTaskHub? Hub { get; set; }

    public string? InstanceId { get; set; }

    public bool Crashed { get; private set; }

    public void At(FaultPoint faultPoint, string instanceId)
    {
        if (faultPoint == point && instanceId == InstanceId && !Crashed && Interlocked.Increment(ref seen) == occurrence)
        {
            Crashed = true;
            Hub!.Crash();
            throw new InvalidOperationException($"Simulated crash at {point} #{occurrence}.");
        }
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class FaultTests(AzuriteFixture azurite)
{
    private static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<FiveEffects>().AddActivity<RecordEffect>()
        .AddOrchestrator<WaitForTwoEvents>().AddOrchestrator<HelloCities>().AddActivity<SayHello>().AddOrchestrator<HundredEffects>();

    public static TheoryData<FaultPoint, int> CrashPoints => new()
    {
        { FaultPoint.BeforeCommit, 1 },
        { FaultPoint.BeforeCommit, 3 },
        { FaultPoint.AfterCommit, 1 },
        { FaultPoint.AfterCommit, 4 },
        { FaultPoint.AfterCommit, 6 }, // the completing step: committed, not yet projected
        { FaultPoint.AfterDispatch, 2 },
        { FaultPoint.AfterActivity, 3 },
    };

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task A_crash_at_any_point_of_a_step_loses_nothing_and_applies_nothing_twice(FaultPoint point, int occurrence)
    {
        string hub = TestHost.NewHubName();
        var ledger = new EffectLedger();
        var crash = new CrashAt(point, occurrence);
        void Options(DurableTaskOptions o)
        {
            o.WorkerId = "host-a";
            o.MessageVisibilityTimeout = TimeSpan.FromSeconds(5);
        }

        string id = "crash-" + Guid.NewGuid().ToString("N")[..8];
        crash.InstanceId = id;
        await using (var first = await TestHost.StartAsync(azurite, Tasks, configure: o => { Options(o); o.FaultInjector = crash; }, services: s => s.AddSingleton(ledger), hubName: hub))
        {
            crash.Hub = first.Hub;
            await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FiveEffects), null, new StartOrchestrationOptions(id));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!crash.Crashed && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.True(crash.Crashed, "the simulated crash point was reached");
        }

        // The process restarts (same worker id, so it resumes its own leases) and recovers from storage alone.
        await using var second = await TestHost.StartAsync(azurite, Tasks, configure: Options, services: s => s.AddSingleton(ledger), hubName: hub);
        var done = await second.WaitForCompletionAsync(id, TimeSpan.FromSeconds(90));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(5, ledger.Effects.Count(e => e.Key.Instance == id));
        Assert.True(ledger.Executions >= 5);
        var history = await second.Client.GetInstanceHistoryAsync(id);
        Assert.Equal([0, 1, 2, 3, 4], history.OfType<TaskScheduledEvent>().Select(e => e.EventId));
        Assert.Equal([0, 1, 2, 3, 4], history.OfType<TaskCompletedEvent>().Select(e => e.TaskScheduledId));
        Assert.Single(history.OfType<ExecutionStartedEvent>());
        Assert.Single(history.OfType<ExecutionCompletedEvent>());
    }

    [Fact]
    public async Task A_crash_after_committing_a_fan_out_wider_than_a_transaction_and_before_dispatching_it_loses_no_item()
    {
        string hub = TestHost.NewHubName();
        var ledger = new EffectLedger();
        var crash = new CrashAt(FaultPoint.AfterCommit, 1);
        string id = "wide-" + Guid.NewGuid().ToString("N")[..8];
        crash.InstanceId = id;
        void Options(DurableTaskOptions o)
        {
            o.WorkerId = "host-a";
            o.MessageVisibilityTimeout = TimeSpan.FromSeconds(5);
        }

        await using (var first = await TestHost.StartAsync(azurite, Tasks, configure: o => { Options(o); o.FaultInjector = crash; }, services: s => s.AddSingleton(ledger), hubName: hub))
        {
            crash.Hub = first.Hub;
            await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HundredEffects), null, new StartOrchestrationOptions(id));
            await Eventually.UntilAsync(() => Task.FromResult(crash.Crashed), crashed => crashed, "the simulated crash after the fan-out's commit", seconds: 30);
        }

        // The step's outbox (20 rows of their own and bundle rows for the other 80 items) is all in storage, undispatched.
        await using var second = await TestHost.StartAsync(azurite, Tasks, configure: Options, services: s => s.AddSingleton(ledger), hubName: hub);
        var done = await second.WaitForCompletionAsync(id, TimeSpan.FromSeconds(90));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(100, done.ReadOutputAs<int>());
        Assert.Equal(100, ledger.Effects.Count(e => e.Key.Instance == id));
    }

    [Fact]
    public async Task Two_hosts_share_the_partitions_and_never_run_the_same_instance_at_the_same_time()
    {
        string hub = TestHost.NewHubName();
        var active = new ConcurrentDictionary<string, int>();
        int overlaps = 0;
        void Track(string instanceId, bool starting)
        {
            int now = active.AddOrUpdate(instanceId, starting ? 1 : -1, (_, n) => n + (starting ? 1 : -1));
            if (now > 1)
            {
                Interlocked.Increment(ref overlaps);
            }
        }

        await using var a = await TestHost.StartAsync(azurite, Tasks, configure: o => { o.WorkerId = "host-a"; o.PartitionCount = 4; }, hubName: hub);
        await using var b = await TestHost.StartAsync(azurite, Tasks, configure: o => { o.WorkerId = "host-b"; o.PartitionCount = 4; }, hubName: hub);
        a.Hub.StepExecuting += Track;
        b.Hub.StepExecuting += Track;
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while ((a.Hub.OwnedPartitions.Count != 2 || b.Hub.OwnedPartitions.Count != 2) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, a.Hub.OwnedPartitions.Count);
        Assert.Equal(2, b.Hub.OwnedPartitions.Count);
        Assert.Empty(a.Hub.OwnedPartitions.Intersect(b.Hub.OwnedPartitions));

        var ids = new List<string>();
        for (int i = 0; i < 24; i++)
        {
            var client = i % 2 == 0 ? a.Client : b.Client;
            ids.Add(await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities)));
        }

        foreach (string id in ids)
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, (await a.WaitForCompletionAsync(id)).RuntimeStatus);
        }

        Assert.Equal(0, overlaps);
    }

    [Fact]
    public async Task When_a_host_dies_the_other_takes_its_partitions_over_and_finishes_its_instances()
    {
        string hub = TestHost.NewHubName();
        var a = await TestHost.StartAsync(azurite, Tasks, configure: o => o.WorkerId = "host-a", hubName: hub);
        string id = await a.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await a.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));
        Assert.Equal(2, a.Hub.OwnedPartitions.Count);

        a.Hub.Crash();
        await using var b = await TestHost.StartAsync(azurite, Tasks, configure: o => o.WorkerId = "host-b", hubName: hub);
        await b.Client.RaiseEventAsync(id, "First", "1");
        await b.Client.RaiseEventAsync(id, "Second", "2");
        var done = await b.WaitForCompletionAsync(id, TimeSpan.FromSeconds(90));

        Assert.Equal("1+2", done.ReadOutputAs<string>());
        var deadline = DateTime.UtcNow.AddSeconds(40);
        while (b.Hub.OwnedPartitions.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(2, b.Hub.OwnedPartitions.Count);
        await a.DisposeAsync();
    }
}
