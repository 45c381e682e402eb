namespace Governance.Durable.Runtime;

/// <summary>Adaptive idle polling: starts at 10 ms and doubles up to the configured maximum; reset on work or by a wake-up.</summary>
internal sealed class PollingBackoff(TimeSpan max, WakeSignal? wake = null, TimeSpan? min = null)
{
    private readonly TimeSpan Min = min ?? TimeSpan.FromMilliseconds(10);
    private TimeSpan current = min ?? TimeSpan.FromMilliseconds(10);

    public void Reset() => current = Min;

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        if (wake is null)
        {
            await Task.Delay(current, cancellationToken);
        }
        else if (await wake.WaitAsync(current, cancellationToken))
        {
            current = Min;
            return;
        }

        current = TimeSpan.FromTicks(Math.Min(current.Ticks * 2, max.Ticks));
    }
}

/// <summary>Wakes a waiting poller at once (a message was just sent to its queue); a wake-up before the wait is not lost.</summary>
internal sealed class WakeSignal
{
    private TaskCompletionSource signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Set() => Volatile.Read(ref signal).TrySetResult();

    /// <summary>Waits for a wake-up or <paramref name="timeout"/>; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref signal);
        if (!current.Task.IsCompleted)
        {
            await Task.WhenAny(current.Task, Task.Delay(timeout, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (!current.Task.IsCompleted)
        {
            return false;
        }

        Interlocked.CompareExchange(ref signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), current);
        return true;
    }
}
