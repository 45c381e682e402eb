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

[Collection(AzuriteCollection.Name)]
public sealed class RecoveryTests(AzuriteFixture azurite)
{
    private static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<FiveEffects>().AddActivity<RecordEffect>()
        .AddOrchestrator<WaitForTwoEvents>();

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
}
