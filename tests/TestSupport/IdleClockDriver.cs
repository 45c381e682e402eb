using Governance.Durable;
using Microsoft.Extensions.Time.Testing;

namespace Governance.TestSupport;

/// <summary>
/// Drives an instance on a fake clock: polls it until a condition holds and, whenever it has nothing else to do,
/// moves the clock to its next durable timer. Polling only waits for the worker to catch up; the instance's time
/// is the fake clock's. Shared by the workflow tests' driver and the bench's committee-year scenario.
/// </summary>
public sealed class IdleClockDriver(DurableTaskClient client, DurableTaskHub hub, FakeTimeProvider clock)
{
    public FakeTimeProvider Clock => clock;

    /// <summary>Polls <paramref name="instanceId"/> (with inputs and outputs) until <paramref name="condition"/> holds, moving time while it is idle.</summary>
    public async Task<OrchestrationMetadata> UntilAsync(string instanceId, Func<OrchestrationMetadata, bool> condition, TimeSpan catchUp)
    {
        var deadline = DateTime.UtcNow + catchUp;
        OrchestrationMetadata? m = null;
        while (DateTime.UtcNow < deadline)
        {
            m = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true);
            if (m is not null && condition(m))
            {
                return m;
            }

            await AdvanceIfIdleAsync(instanceId, m);
            await Task.Delay(20);
        }

        throw new TimeoutException($"{instanceId} did not reach the expected state within {catchUp.TotalSeconds}s of real time. " +
            $"Clock {clock.GetUtcNow():O}; status {m?.RuntimeStatus}; waiting [{string.Join(",", m?.WaitingForEvents ?? [])}]; next timer {m?.NextTimerDueAt:O}; custom {m?.SerializedCustomStatus}; failure {m?.FailureDetails}");
    }

    /// <summary>Moves the clock to the instance's next timer when <paramref name="seen"/> shows one ahead and the instance is idle.</summary>
    public async Task AdvanceIfIdleAsync(string instanceId, OrchestrationMetadata? seen)
    {
        if (seen is { IsRunning: true, NextTimerDueAt: { } due } && due > clock.GetUtcNow() && await IdleAsync(instanceId, seen))
        {
            clock.SetUtcNow(due);
        }
    }

    // Only move time when the instance has nothing else to do: the runtime says it has no work in hand, and the
    // view read before is still current (nothing was committed meanwhile).
    private async Task<bool> IdleAsync(string instanceId, OrchestrationMetadata seen)
    {
        if (!hub.IsIdle(instanceId))
        {
            return false;
        }

        var now = await client.GetInstanceAsync(instanceId);
        return now is not null && now.HistoryEventCount == seen.HistoryEventCount && now.LastUpdatedAt == seen.LastUpdatedAt
            && hub.IsIdle(instanceId);
    }
}
