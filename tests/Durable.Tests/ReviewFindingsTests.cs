using Governance.Durable.Core;
using Governance.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Durable.Tests;

/// <summary>The length of its input (a large one travels through a blob).</summary>
public sealed class InputLength : TaskOrchestrator<string, int>
{
    public override Task<int> RunAsync(TaskOrchestrationContext context, string input) => Task.FromResult(input.Length);
}

/// <summary>Cases found reviewing the runtime: messages that outlive their instance, answers before a start, re-driven starts.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ReviewFindingsTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private Task<TestHost> StartAsync(FakeTimeProvider clock)
        => TestHost.StartAsync(azurite, r => r.AddOrchestrator<SleepDays>().AddOrchestrator<InputLength>().AddOrchestrator<MonthlyReports>(), clock);

    [Fact]
    public async Task A_timer_of_a_purged_instance_firing_late_is_not_kept_for_a_new_instance_of_the_same_id()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = "reused-" + Guid.NewGuid().ToString("N");
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SleepDays), 1.0, new StartOrchestrationOptions(id));
        await host.WaitUntilAsync(id, m => m.NextTimerDueAt is not null);
        await host.Client.TerminateInstanceAsync(id, "withdrawn");
        await host.WaitForCompletionAsync(id);
        await host.Client.PurgeInstanceAsync(id);

        // The old timer row fires for an instance that no longer exists.
        clock.Advance(TimeSpan.FromDays(1));
        await Eventually(() => TimerRowsOf(host, id), rows => rows == 0, "the old timer to fire");
        await Eventually(() => Task.FromResult(host.Hub.IsIdle(id)), idle => idle, "the late timer to be handled");

        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SleepDays), 1.0, new StartOrchestrationOptions(id));
        var started = await host.WaitUntilAsync(id, m => m.RuntimeStatus != OrchestrationRuntimeStatus.Pending);

        Assert.Equal(OrchestrationRuntimeStatus.Running, started.RuntimeStatus); // the new timer did not "fire" with the old one
        Assert.Equal(Start.AddDays(2), started.NextTimerDueAt);
    }

    [Fact]
    public async Task A_submission_that_reaches_an_instance_before_its_start_is_answered_not_awaited()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(MonthlyReports), 1, new StartOrchestrationOptions { StartAt = Start.AddDays(1) });

        var early = await host.Client.SubmitAsync(id, "Report", new Report(1, null), new SubmitOptions { WaitFor = TimeSpan.FromSeconds(30) });

        Assert.Equal(SubmissionStatus.NotAwaited, early.Status);
        Assert.Equal(SubmissionStatus.NotAwaited, (await host.Client.GetSubmissionAsync(id, early.SubmissionId))!.Status);
    }

    [Fact]
    public async Task A_re_driven_start_gives_the_orchestrator_its_large_input_not_the_blob_reference()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock);
        string id = "lost-start-" + Guid.NewGuid().ToString("N");
        string input = new('x', 40_000);
        var now = Start.UtcDateTime;

        // The view of an instance whose start message was lost (as the client writes it before sending the start).
        var state = new InstanceState
        {
            InstanceId = id, Name = nameof(InputLength), Status = OrchestrationRuntimeStatus.Pending, ExecutionId = Guid.NewGuid().ToString("N"),
            CreatedAt = now, LastUpdatedAt = now, Input = await host.Hub.Store.OffloadAsync(id, DurableJson.Serialize(input)),
        };
        Assert.StartsWith("blob:", state.Input);
        await host.Hub.Store.Instances.AddEntityAsync(InstanceEntity.From(state));

        Assert.True(await host.Hub.ResendStartAsync(id, CancellationToken.None));
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(40_000, done.ReadOutputAs<int>());
    }

    private static async Task<int> TimerRowsOf(TestHost host, string id)
    {
        int count = 0;
        await foreach (var _ in host.Hub.Store.Timers.QueryAsync<Azure.Data.Tables.TableEntity>(e => e.GetString("InstanceId") == id))
        {
            count++;
        }

        return count;
    }

    /// <summary>Polls (bounded) until a condition on storage or the host holds.</summary>
    private static Task Eventually<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
        => TestSupport.Eventually.UntilAsync(probe, done, what, seconds: 30, pollMilliseconds: 20);
}
