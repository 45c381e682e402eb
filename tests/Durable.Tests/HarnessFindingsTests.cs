using Azure.Data.Tables;
using Governance.Durable.Core;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Durable.Tests;

/// <summary>Lets a test decide when <see cref="GatedActivity"/> finishes; counts its runs.</summary>
public sealed class ActivityGate
{
    public SemaphoreSlim Release { get; } = new(0);

    public int Runs;
}

public sealed class GatedActivity(ActivityGate gate) : TaskActivity<string, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, string input)
    {
        Interlocked.Increment(ref gate.Runs);
        await gate.Release.WaitAsync(TimeSpan.FromSeconds(60));
        return input;
    }
}

/// <summary>Starts an activity and finishes without waiting for it (fire and forget).</summary>
public sealed class FireAndForget : TaskOrchestrator<object?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        _ = context.CallActivityAsync<string>(nameof(GatedActivity), "late");
        return Task.FromResult("done");
    }
}

/// <summary>Continues as new forever without awaiting anything (only suspend or terminate can stop it).</summary>
public sealed class RestlessLoop : TaskOrchestrator<int, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, int generation)
    {
        context.ContinueAsNew(generation + 1);
        return Task.FromResult(generation);
    }
}

/// <summary>Waits for the same event twice and reports the payloads in arrival order.</summary>
public sealed class TwoInOrder : TaskOrchestrator<object?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        string first = await context.WaitForExternalEvent<string>("E");
        string second = await context.WaitForExternalEvent<string>("E");
        return first + second;
    }
}

public sealed class Boom : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => throw new InvalidOperationException("boom: " + input);
}

/// <summary>Lets an activity's failure escape the orchestrator.</summary>
public sealed class UncaughtActivityFailure : TaskOrchestrator<object?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, object? input) => context.CallActivityAsync<string>(nameof(Boom), "x");
}

/// <summary>Starts a waiting child (id: own id + ":child") and waits for it.</summary>
public sealed class ParentOfWaiter : TaskOrchestrator<object?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        => context.CallSubOrchestratorAsync<string>(nameof(WaitForTwoEvents), null, new SubOrchestrationOptions(instanceId: context.InstanceId + ":child"));
}

/// <summary>Holds the first step of one instance just before its commit until released (its start is received, nothing of it is written).</summary>
public sealed class HoldFirstCommit : IDurableFaultInjector
{
    public string? InstanceId { get; set; }

    public ManualResetEventSlim Reached { get; } = new();

    public ManualResetEventSlim Release { get; } = new();

    public void At(FaultPoint point, string instanceId)
    {
        if (point == FaultPoint.BeforeCommit && instanceId == InstanceId && !Reached.IsSet)
        {
            Reached.Set();
            Release.Wait(TimeSpan.FromSeconds(30));
        }
    }
}

/// <summary>Cases an independent conformance and fault harness found broken (issue 8).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HarnessFindingsTests(AzuriteFixture azurite)
{
    private static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<FireAndForget>().AddActivity<GatedActivity>()
        .AddOrchestrator<RestlessLoop>().AddOrchestrator<TwoInOrder>().AddOrchestrator<WaitForTwoEvents>()
        .AddOrchestrator<Parent>().AddOrchestrator<Child>().AddActivity<SayHello>()
        .AddOrchestrator<UncaughtActivityFailure>().AddActivity<Boom>().AddOrchestrator<ParentOfWaiter>();

    private static async Task<int> OutboxRowsAsync(AzuriteFixture azurite, string hub, string instanceId)
    {
        var table = new TableClient(azurite.ConnectionString, hub + "History");
        int count = 0;
        await foreach (var _ in table.QueryAsync<TableEntity>(e => e.PartitionKey == instanceId && e.RowKey.CompareTo("1|") >= 0 && e.RowKey.CompareTo("2|") < 0))
        {
            count++;
        }

        return count;
    }

    /// <summary>Sends a message to the instance the way the runtime does, bypassing the client's checks, and waits until a step of it ends.</summary>
    private static async Task PokeAsync(TestHost host, string instanceId, HistoryEvent? e = null)
    {
        var stepped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnStep(string id, bool starting)
        {
            if (id == instanceId && !starting)
            {
                stepped.TrySetResult();
            }
        }

        var quiet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnQuiet(string id, bool released)
        {
            if (id == instanceId)
            {
                quiet.TrySetResult();
            }
        }

        host.Hub.StepExecuting += OnStep;
        host.Hub.QuiescenceChecked += OnQuiet;
        try
        {
            await host.Hub.SendAsync(new TaskMessage(Guid.NewGuid().ToString("N"), instanceId, (e ?? new EventRaisedEvent("Poke", null)) with { Timestamp = DateTime.UtcNow }), CancellationToken.None);
            await stepped.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await quiet.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            host.Hub.StepExecuting -= OnStep;
            host.Hub.QuiescenceChecked -= OnQuiet;
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2_000)]
    public async Task An_activity_still_running_when_its_orchestration_finishes_runs_once_and_leaves_no_outbox_row(int cacheSize)
    {
        string hub = TestHost.NewHubName();
        var gate = new ActivityGate();
        void Options(DurableTaskOptions o) => o.InstanceCacheSize = cacheSize;
        string id;
        await using (var host = await TestHost.StartAsync(azurite, Tasks, configure: Options, services: s => s.AddSingleton(gate), hubName: hub))
        {
            id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FireAndForget));
            Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.WaitForCompletionAsync(id)).RuntimeStatus);
            var quiet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            host.Hub.QuiescenceChecked += (i, released) => { if (i == id && released) { quiet.TrySetResult(); } };
            gate.Release.Release();
            await quiet.Task.WaitAsync(TimeSpan.FromSeconds(30));
            for (int i = 0; i < 3; i++)
            {
                await PokeAsync(host, id);
            }

            Assert.Equal(1, gate.Runs);
        }

        gate.Release.Release(10);
        await using (var restarted = await TestHost.StartAsync(azurite, Tasks, configure: Options, services: s => s.AddSingleton(gate), hubName: hub))
        {
            await PokeAsync(restarted, id);
        }

        Assert.Equal(1, gate.Runs);
        Assert.Equal(0, await OutboxRowsAsync(azurite, hub, id));
    }

    [Fact]
    public async Task An_orchestration_that_continues_as_new_at_once_can_be_suspended_resumed_and_terminated()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(RestlessLoop), 0);
        await host.WaitUntilAsync(id, m => m.Generation > 3, TimeSpan.FromSeconds(30));

        await host.Client.SuspendInstanceAsync(id, "pause");
        var suspended = await host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, TimeSpan.FromSeconds(20));
        await PokeAsync(host, id); // a step later, a suspended instance has still not moved to another generation
        var still = await host.Client.GetInstanceAsync(id);
        Assert.Equal(suspended.Generation, still!.Generation);

        await host.Client.ResumeInstanceAsync(id, "go on");
        await host.WaitUntilAsync(id, m => m.Generation > suspended.Generation + 2, TimeSpan.FromSeconds(20));

        await host.Client.TerminateInstanceAsync(id, "stop");
        var terminated = await host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Terminated, TimeSpan.FromSeconds(20));
        await PokeAsync(host, id);
        var after = await host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, after!.RuntimeStatus);
        Assert.Equal(terminated.Generation, after.Generation);
    }

    [Fact]
    public async Task Events_and_lifecycle_changes_for_unknown_or_finished_instances_are_refused()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks);
        string missing = "missing-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(missing, (await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.RaiseEventAsync(missing, "First", "x"))).InstanceId);
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.TerminateInstanceAsync(missing, "x"));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.SuspendInstanceAsync(missing));
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => host.Client.ResumeInstanceAsync(missing));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await host.Client.TerminateInstanceAsync(id, "done");
        await host.WaitForCompletionAsync(id);
        var finished = await Assert.ThrowsAsync<OrchestrationFinishedException>(() => host.Client.RaiseEventAsync(id, "First", "x"));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, finished.Status);
        await Assert.ThrowsAsync<OrchestrationFinishedException>(() => host.Client.TerminateInstanceAsync(id, "again"));
        await Assert.ThrowsAsync<OrchestrationFinishedException>(() => host.Client.SuspendInstanceAsync(id));
    }

    [Fact]
    public async Task Recursive_termination_terminates_running_sub_orchestrations()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParentOfWaiter));
        string child = id + ":child";
        await host.WaitUntilAsync(child, m => m.WaitingForEvents.Contains("First"));

        await host.Client.TerminateInstanceAsync(id, new TerminateInstanceOptions("withdrawn", Recursive: true));

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await host.WaitForCompletionAsync(id)).RuntimeStatus);
        var childDone = await host.WaitForCompletionAsync(child, TimeSpan.FromSeconds(20));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, childDone.RuntimeStatus);
    }

    [Fact]
    public async Task Recursive_termination_reaches_a_sub_orchestration_whose_start_is_not_processed_yet()
    {
        var hold = new HoldFirstCommit();
        await using var host = await TestHost.StartAsync(azurite, Tasks, configure: o => o.FaultInjector = hold);
        string id = "parent-" + Guid.NewGuid().ToString("N")[..8];
        string child = id + ":child";
        hold.InstanceId = child;
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ParentOfWaiter), null, new StartOrchestrationOptions(id));
        Assert.True(await Task.Run(() => hold.Reached.Wait(TimeSpan.FromSeconds(30))));

        await host.Client.TerminateInstanceAsync(id, new TerminateInstanceOptions("withdrawn", Recursive: true));
        hold.Release.Set();

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await host.WaitForCompletionAsync(id)).RuntimeStatus);
        var childDone = await host.WaitForCompletionAsync(child, TimeSpan.FromSeconds(20));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, childDone.RuntimeStatus);
    }

    [Fact]
    public async Task An_uncaught_activity_failure_is_the_inner_failure_of_the_orchestration()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(UncaughtActivityFailure));
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(TaskFailedException).FullName, done.FailureDetails!.ErrorType);
        Assert.Equal(typeof(InvalidOperationException).FullName, done.FailureDetails.InnerFailure?.ErrorType);
        Assert.Equal("boom: x", done.FailureDetails.InnerFailure!.ErrorMessage);
        Assert.True(done.FailureDetails.HasCause<InvalidOperationException>());
        Assert.True(done.FailureDetails.IsCausedBy<TaskFailedException>());
        Assert.False(done.FailureDetails.IsCausedBy<InvalidOperationException>()); // as in Microsoft.DurableTask: this failure only
    }

    [Fact]
    public async Task An_event_that_reaches_an_instance_before_its_start_is_kept_until_it_runs()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks);
        string id = "early-" + Guid.NewGuid().ToString("N")[..8];

        // The event overtakes the start (as when another host's message is received first).
        await PokeAsync(host, id, new EventRaisedEvent("First", "\"early\""));
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents), null, new StartOrchestrationOptions(id));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Second"), TimeSpan.FromSeconds(20));
        await host.Client.RaiseEventAsync(id, "Second", "late");

        Assert.Equal("early+late", (await host.WaitForCompletionAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_suspend_and_resume_that_reach_an_instance_before_its_start_leave_it_running()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks);
        string id = "early-" + Guid.NewGuid().ToString("N")[..8];

        // Both overtake the start (as when another host's messages are received first); each is its own step.
        await PokeAsync(host, id, new ExecutionSuspendedEvent("pause"));
        await PokeAsync(host, id, new ExecutionResumedEvent("go on"));
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents), null, new StartOrchestrationOptions(id));
        var started = await host.WaitUntilAsync(id, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending, TimeSpan.FromSeconds(20));

        Assert.Equal(OrchestrationRuntimeStatus.Running, started.RuntimeStatus);
        await host.Client.RaiseEventAsync(id, "First", "a");
        await host.Client.RaiseEventAsync(id, "Second", "b");
        Assert.Equal("a+b", (await host.WaitForCompletionAsync(id)).ReadOutputAs<string>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2_000)]
    public async Task A_resume_that_changed_nothing_and_is_delivered_again_after_a_suspend_is_dropped_as_a_duplicate(int cacheSize)
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks, configure: o => o.InstanceCacheSize = cacheSize);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));
        var resume = new TaskMessage(id + "|resume-1", id, new ExecutionResumedEvent("already running") { Timestamp = DateTime.UtcNow });
        await host.Hub.SendAsync(resume, CancellationToken.None);
        await PokeAsync(host, id, new ExecutionSuspendedEvent("pause"));
        // The step PokeAsync saw end may have been the resume's (sent just before): wait for the suspend's.
        await host.WaitUntilAsync(id, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);

        // The same resume message again (a sender's retry, or a redelivery after its deletion failed).
        await host.Hub.SendAsync(resume, CancellationToken.None);
        await PokeAsync(host, id);

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
    }

    [Fact]
    public async Task Events_raised_one_after_the_other_from_two_clients_arrive_in_that_order()
    {
        string hub = TestHost.NewHubName();
        // A long idle poll on the owner widens the window in which an in-memory hand-off would overtake the queue.
        await using var owner = await TestHost.StartAsync(azurite, Tasks, configure: o => { o.PartitionCount = 1; o.MaxQueuePollingInterval = TimeSpan.FromSeconds(30); }, hubName: hub);
        await using var other = await TestHost.StartAsync(azurite, Tasks, configure: o => { o.PartitionCount = 1; o.WorkerEnabled = false; }, hubName: hub);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (owner.Hub.OwnedPartitions.Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        for (int round = 0; round < 3; round++)
        {
            string id = await owner.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TwoInOrder));
            await owner.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("E"), TimeSpan.FromSeconds(20));
            await other.Client.RaiseEventAsync(id, "E", "1");
            await owner.Client.RaiseEventAsync(id, "E", "2");
            Assert.Equal("12", (await owner.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30))).ReadOutputAs<string>());
        }
    }
}
