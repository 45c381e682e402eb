namespace Governance.Durable.Core;

/// <summary>
/// Runs an orchestrator's continuations on the calling thread, one after another, so that replay is deterministic:
/// awaits inside orchestrator code post here, and the executor drains the queue after each event it applies.
/// </summary>
internal sealed class OrchestrationSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> work = new();

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (work)
        {
            work.Enqueue((d, state));
        }
    }

    public override void Send(SendOrPostCallback d, object? state) => Post(d, state);

    public override SynchronizationContext CreateCopy() => this;

    /// <summary>Runs <paramref name="action"/> and then every continuation it caused, on this thread.</summary>
    public void Run(Action action)
    {
        var previous = Current;
        SetSynchronizationContext(this);
        try
        {
            action();
            while (true)
            {
                (SendOrPostCallback Callback, object? State) next;
                lock (work)
                {
                    if (!work.TryDequeue(out next))
                    {
                        break;
                    }
                }

                next.Callback(next.State);
            }
        }
        finally
        {
            SetSynchronizationContext(previous);
        }
    }
}
