using Governance.Durable.Core;

namespace Governance.Durable.Runtime;

/// <summary>Local callers waiting for the next committed step of an instance (e.g. WaitForInstanceCompletion on this host).</summary>
internal sealed class InstanceWatchers
{
    private readonly Dictionary<string, List<TaskCompletionSource<InstanceState?>>> watchers = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes when this host next commits a step of the instance (with its new state), or with null after
    /// <paramref name="timeout"/>. Waiters are removed when they finish, so nothing accumulates per instance.
    /// </summary>
    public async Task<InstanceState?> WaitForChangeAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tcs = new TaskCompletionSource<InstanceState?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (watchers)
        {
            if (!watchers.TryGetValue(instanceId, out var list))
            {
                watchers[instanceId] = list = [];
            }

            list.Add(tcs);
        }

        try
        {
            return await tcs.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException || (ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }
        finally
        {
            lock (watchers)
            {
                if (watchers.TryGetValue(instanceId, out var list) && list.Remove(tcs) && list.Count == 0)
                {
                    watchers.Remove(instanceId);
                }
            }
        }
    }

    /// <summary>Instances some local caller is waiting on now (diagnostics).</summary>
    public int Count
    {
        get
        {
            lock (watchers)
            {
                return watchers.Count;
            }
        }
    }

    /// <summary>
    /// What a waiter receives when the instance's owner is another host and says the instance changed: the waiter
    /// re-reads it from storage (the state itself is not sent).
    /// </summary>
    public static readonly InstanceState ChangedElsewhere = new() { InstanceId = string.Empty };

    /// <summary>Raised after a step of the instance committed on this host (the owner tells remote waiters).</summary>
    public event Action<string>? Changed;

    /// <summary>Another host says the instance changed: wakes local waiters with <see cref="ChangedElsewhere"/>.</summary>
    public void NotifyChangedElsewhere(string instanceId) => Complete(instanceId, ChangedElsewhere);

    public void NotifyChanged(string instanceId, InstanceState state)
    {
        Complete(instanceId, state);
        Changed?.Invoke(instanceId);
    }

    private void Complete(string instanceId, InstanceState state)
    {
        List<TaskCompletionSource<InstanceState?>>? waiting = null;
        lock (watchers)
        {
            if (watchers.TryGetValue(instanceId, out var list))
            {
                waiting = [.. list];
            }
        }

        foreach (var tcs in waiting ?? [])
        {
            tcs.TrySetResult(ReferenceEquals(state, ChangedElsewhere) ? state : state.Clone());
        }
    }
}
