using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.Catalog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Workflows.Tests.Support;

/// <summary>
/// A worker host on the real runtime and a fresh hub in the fixture's Azurite, with a fake clock the driver moves
/// to the next durable timer whenever the instance it watches is idle. Polling only waits for the worker to catch
/// up; no assertion depends on elapsed real time.
/// </summary>
internal sealed class FakeClockHost : IAsyncDisposable
{
    private FakeClockHost(IHost host, FakeTimeProvider clock)
    {
        Host = host;
        Clock = clock;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Driver = new FakeClockDriver(Client, host.Services.GetRequiredService<DurableTaskHub>(), clock);
    }

    public IHost Host { get; }

    public FakeTimeProvider Clock { get; }

    /// <summary>The simulated date in China.</summary>
    public DateOnly Today => Governance.Domain.Calendar.ChinaTime.ToChinaDate(Clock.GetUtcNow());

    public DurableTaskClient Client { get; }

    public FakeClockDriver Driver { get; }

    public static async Task<FakeClockHost> StartAsync(AzuriteFixture azurite, DateTimeOffset startUtc, Action<IDurableTaskBuilder>? more = null)
    {
        var clock = new FakeTimeProvider(startUtc);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<TimeProvider>(clock);
        var durable = builder.Services.AddDurableTask(o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            o.HubName = "T" + Guid.NewGuid().ToString("N")[..10];
            o.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(50);
        }).AddGovernanceWorkflows();
        more?.Invoke(durable);
        var host = builder.Build();
        await host.StartAsync();
        return new FakeClockHost(host, clock);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}

/// <summary>Drives instances: waits for the worker, and moves the fake clock to the next durable timer when an instance is idle.</summary>
internal sealed class FakeClockDriver(DurableTaskClient client, DurableTaskHub hub, FakeTimeProvider clock)
{
    private static readonly TimeSpan CatchUp = TimeSpan.FromSeconds(60);
    private readonly IdleClockDriver idle = new(client, hub, clock);

    public Task<OrchestrationMetadata> WaitForStepAsync(string instanceId, string eventName)
        => AdvanceUntilAsync(instanceId, _ => true, m => m.WaitingForEvents.Contains(eventName));

    /// <summary>Moves time for <paramref name="parentId"/> until it has started <paramref name="childId"/>, then waits for the child's step.</summary>
    public async Task<OrchestrationMetadata> WaitForChildStepAsync(string parentId, string childId, string eventName)
    {
        await Eventually.UntilAsync(async () =>
            {
                if (await client.GetInstanceAsync(childId) is not null)
                {
                    return true;
                }

                await idle.AdvanceIfIdleAsync(parentId, await client.GetInstanceAsync(parentId));
                return false;
            },
            started => started, $"{parentId} to start {childId}", (int)CatchUp.TotalSeconds, pollMilliseconds: 20);
        return await WaitForStepAsync(childId, eventName);
    }

    /// <summary>
    /// Waits for one occurrence of a step (its step token, e.g. <c>MonthlyAccountsPublished#3</c>), so a step just
    /// answered is never mistaken for its next occurrence while the instance's view catches up.
    /// </summary>
    public Task<OrchestrationMetadata> WaitForOccurrenceAsync(string instanceId, string eventName, int occurrence)
        => AdvanceUntilAsync(instanceId, s => s.OpenSteps.Any(o => o.StepToken == Common.HumanStep.StepToken(eventName, occurrence)),
            m => m.WaitingForEvents.Contains(eventName));

    /// <summary>Waits for the step and submits; asserts the instance took it.</summary>
    public async Task SubmitWhenWaitingAsync(string instanceId, string eventName, object payload, string actor = "staff")
    {
        await WaitForStepAsync(instanceId, eventName);
        var outcome = await client.WithActor(actor).SubmitAsync(instanceId, eventName, payload);
        Assert.True(outcome.Status == SubmissionStatus.Accepted, $"{eventName} to {instanceId}: {outcome.Status} {outcome.Decision?.Rule} {outcome.Decision?.MessageEn}");
    }

    /// <summary>Waits for the step and submits; returns the outcome as it is (for refusals).</summary>
    public async Task<SubmissionOutcome> SubmitAsync(string instanceId, string eventName, object payload, string actor = "staff")
    {
        await WaitForStepAsync(instanceId, eventName);
        return await client.WithActor(actor).SubmitAsync(instanceId, eventName, payload);
    }

    public Task<OrchestrationMetadata> WaitForCompletionAsync(string instanceId)
        => AdvanceUntilAsync(instanceId, _ => true, m => m.IsCompleted);

    public Task<OrchestrationMetadata> AdvanceUntilAsync(string instanceId, Func<WorkflowStatus, bool> statusCondition)
        => AdvanceUntilAsync(instanceId, statusCondition, _ => true);

    public Task<OrchestrationMetadata> AdvanceUntilAsync(string instanceId, Func<WorkflowStatus, bool> statusCondition, Func<OrchestrationMetadata, bool> condition)
        => idle.UntilAsync(instanceId, m => condition(m) && (m.IsCompleted || (m.ReadCustomStatusAs<WorkflowStatus>() is { } s && statusCondition(s))), CatchUp);
}
