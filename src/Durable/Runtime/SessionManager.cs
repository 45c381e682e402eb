using System.Collections.Concurrent;
using Governance.Durable.Core;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// The instance sessions of the partitions this host owns: each session's mailbox, its processing loop (one step
/// at a time, at most <see cref="DurableTaskOptions.MaxConcurrentOrchestratorFunctions"/> instances at once), and
/// the release of its triggers once the instance is quiescent. The cache of idle sessions is bounded.
/// </summary>
internal sealed class SessionManager(
    TaskHubStore store, DurableTaskOptions options, WorkerLifetime lifetime, Func<string, int> partitionOf, ILogger logger)
{
    private const int MaxStepAttempts = 5;

    private readonly ConcurrentDictionary<string, InstanceSession> sessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim orchestrationSlots = new(options.MaxConcurrentOrchestratorFunctions);

    /// <summary>Runs one step of a session; set once by the hub (the step runner needs this manager too).</summary>
    public Func<InstanceSession, List<TaskMessage>, CancellationToken, Task> RunStep { get; set; } = (_, _, _) => Task.CompletedTask;

    /// <summary>Called with the instance id when a step starts (true) and ends (false).</summary>
    public Action<string, bool>? StepExecuting { get; set; }

    /// <summary>Called after a session's loop ends, with whether it released its triggers (the instance was quiescent).</summary>
    public Action<string, bool>? QuiescenceChecked { get; set; }

    public ICollection<InstanceSession> All => sessions.Values;

    public bool TryGet(string instanceId, out InstanceSession session) => sessions.TryGetValue(instanceId, out session!);

    private InstanceSession GetOrAdd(string instanceId) => sessions.GetOrAdd(instanceId, id => new InstanceSession(id, partitionOf(id)));

    /// <summary>Hands a message to the instance's session and makes sure the session runs.</summary>
    /// <param name="newInstance">
    /// The sender just created the instance, so its history partition is known to be empty and need not be read.
    /// Were the hint wrong, the step's insert of the state row would conflict and the instance would be reloaded.
    /// </param>
    public void Deliver(TaskMessage message, Trigger? trigger, bool newInstance = false)
    {
        if (lifetime.IsCrashed)
        {
            return;
        }

        var session = GetOrAdd(message.InstanceId);
        bool start = false;
        lock (session.Gate)
        {
            if (newInstance && !session.Loaded && !session.Running)
            {
                session.Loaded = true;
                session.AssumedEmpty = true;
                session.State = null;
            }

            session.Inbox.Add(message);
            if (trigger is not null)
            {
                session.NewTriggers.Add(trigger);
            }

            start = TryMarkRunning(session);
        }

        StartIf(start, session);
    }

    /// <summary>
    /// Puts a local activity's result in the mailbox. The activity stops counting as running only as its result enters
    /// the mailbox (one lock): in between, the instance would look quiescent and its triggers would be deleted while
    /// the result was only in memory.
    /// </summary>
    public void AcceptActivityResult(InstanceSession session, TaskMessage result)
    {
        bool start;
        lock (session.Gate)
        {
            session.ActivitiesInFlight--;
            if (lifetime.IsCrashed || session.Abandoned)
            {
                return;
            }

            session.Inbox.Add(result);
            start = TryMarkRunning(session);
        }

        StartIf(start, session);
    }

    /// <summary>Reloads the instance from storage and re-dispatches its outbox (recovery).</summary>
    public void Redrive(string instanceId)
    {
        var session = GetOrAdd(instanceId);
        bool start;
        lock (session.Gate)
        {
            session.RedriveRequested = true;
            start = TryMarkRunning(session);
        }

        StartIf(start, session);
    }

    /// <summary>Forgets the cached state of an instance that storage no longer has (after a purge).</summary>
    public void Evict(string instanceId)
    {
        if (sessions.TryGetValue(instanceId, out var session))
        {
            lock (session.Gate)
            {
                if (!session.Running && session.Inbox.Count == 0)
                {
                    sessions.TryRemove(instanceId, out _);
                }
            }
        }
    }

    /// <summary>True when this host has no work of the instance in hand (optionally counting held triggers too).</summary>
    public bool IsQuiet(string instanceId, bool countHeldTriggers)
    {
        if (!sessions.TryGetValue(instanceId, out var session))
        {
            return true;
        }

        lock (session.Gate)
        {
            return !session.Running && session.Inbox.Count == 0 && session.NewTriggers.Count == 0
                && (!countHeldTriggers || session.HeldTriggers.Count == 0)
                && session.ActivitiesInFlight == 0 && !session.ProjectionRunning;
        }
    }

    /// <summary>Stops the sessions of a partition this host lost (their loops end at the next step boundary).</summary>
    public void AbandonPartition(int partition)
    {
        foreach (var session in sessions.Values.Where(s => s.Partition == partition).ToList())
        {
            Abandon(session);
            sessions.TryRemove(session.InstanceId, out _);
        }
    }

    public void AbandonAll()
    {
        foreach (var session in sessions.Values)
        {
            Abandon(session);
        }

        sessions.Clear();
    }

    /// <summary>Drops everything at once, as a killed process would.</summary>
    public void Clear() => sessions.Clear();

    private static void Abandon(InstanceSession session)
    {
        lock (session.Gate)
        {
            session.Abandoned = true;
        }
    }

    private static bool TryMarkRunning(InstanceSession session)
    {
        if (session.Running)
        {
            return false;
        }

        session.Running = true;
        return true;
    }

    private void StartIf(bool start, InstanceSession session)
    {
        if (start)
        {
            _ = Task.Run(() => ProcessAsync(session));
        }
    }

    /// <summary>Processes an instance's mailbox, one step at a time, until it is empty; then releases triggers if quiescent.</summary>
    private async Task ProcessAsync(InstanceSession session)
    {
        var token = lifetime.Token;
        int failures = 0;
        try
        {
            await orchestrationSlots.WaitAsync(token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            while (true)
            {
                List<TaskMessage> batch;
                lock (session.Gate)
                {
                    if (session.Abandoned || lifetime.IsCrashed)
                    {
                        session.Running = false;
                        return;
                    }

                    session.HeldTriggers.AddRange(session.NewTriggers);
                    session.NewTriggers.Clear();
                    if (session.Inbox.Count == 0 && !session.RedriveRequested)
                    {
                        break;
                    }

                    batch = [.. session.Inbox];
                    session.Inbox.Clear();
                    if (session.RedriveRequested && batch.Count == 0)
                    {
                        // Reload from storage: an empty step re-dispatches the outbox it finds.
                        session.Unload();
                    }

                    session.RedriveRequested = false;
                }

                try
                {
                    StepExecuting?.Invoke(session.InstanceId, true);
                    await RunStep(session, batch, token);
                    failures = 0;
                }
                catch (Exception ex) when (!lifetime.IsCrashed && !token.IsCancellationRequested)
                {
                    failures++;
                    session.Unload();
                    if (ex is CommitConflictException)
                    {
                        logger.LogInformation("Instance {InstanceId}: commit conflict, reloading (attempt {Attempt}).", session.InstanceId, failures);
                    }
                    else
                    {
                        logger.LogWarning(ex, "Instance {InstanceId}: step failed (attempt {Attempt}).", session.InstanceId, failures);
                    }

                    if (failures >= MaxStepAttempts)
                    {
                        // Give everything back: the held messages reappear, count as failed deliveries, and end in the poison table.
                        lock (session.Gate)
                        {
                            foreach (var trigger in session.HeldTriggers)
                            {
                                trigger.Abandon();
                            }

                            session.HeldTriggers.Clear();
                            session.Running = false;
                            sessions.TryRemove(session.InstanceId, out _);
                        }

                        return;
                    }

                    lock (session.Gate)
                    {
                        session.Inbox.InsertRange(0, batch);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(50 * failures * failures), CancellationToken.None);
                }
                finally
                {
                    StepExecuting?.Invoke(session.InstanceId, false);
                }
            }
        }
        catch (Exception) when (lifetime.IsCrashed || token.IsCancellationRequested)
        {
            lock (session.Gate)
            {
                session.Running = false;
            }

            return;
        }
        finally
        {
            orchestrationSlots.Release();
        }

        await ReleaseIfQuiescentAsync(session, token);
    }

    /// <summary>
    /// When nothing of the instance is pending (no mailbox, no local activity running), deletes dispatched outbox
    /// rows and then the held triggers. Otherwise the session keeps running later, when the pending work reports.
    /// </summary>
    private async Task ReleaseIfQuiescentAsync(InstanceSession session, CancellationToken token)
    {
        List<Trigger> release;
        List<string> rows;
        lock (session.Gate)
        {
            if (session.Inbox.Count > 0 || session.NewTriggers.Count > 0)
            {
                // New work arrived meanwhile: keep going.
                _ = Task.Run(() => ProcessAsync(session));
                return;
            }

            if (session.ActivitiesInFlight > 0)
            {
                session.Running = false;
                QuiescenceChecked?.Invoke(session.InstanceId, false);
                return;
            }

            release = [.. session.HeldTriggers];
            session.HeldTriggers.Clear();
            rows = [.. session.DispatchedRows, .. session.TakeRowsOfEndedActivities()];
            session.DispatchedRows.Clear();
            session.Running = false;
        }

        try
        {
            await session.Projection;
            if (rows.Count > 0 && !lifetime.IsCrashed)
            {
                await store.DeleteRowsAsync(session.InstanceId, rows, token);
            }

            foreach (var trigger in release)
            {
                if (lifetime.IsCrashed)
                {
                    return;
                }

                await trigger.CompleteAsync(token);
            }
        }
        catch (Exception ex) when (!lifetime.IsCrashed)
        {
            logger.LogWarning(ex, "Instance {InstanceId}: releasing triggers failed; they will be redelivered and dropped as duplicates.", session.InstanceId);
        }

        QuiescenceChecked?.Invoke(session.InstanceId, true);
        TrimCache();
    }

    private void TrimCache()
    {
        int excess = sessions.Count - options.InstanceCacheSize;
        if (excess <= 0)
        {
            return;
        }

        foreach (var idle in sessions.Values.Where(s => !s.Running).OrderBy(s => s.LastUsedTicks).Take(excess).ToList())
        {
            lock (idle.Gate)
            {
                if (!idle.Running && idle.Inbox.Count == 0 && idle.HeldTriggers.Count == 0 && idle.ActivitiesInFlight == 0)
                {
                    sessions.TryRemove(idle.InstanceId, out _);
                }
            }
        }
    }
}

/// <summary>Thrown when a commit lost the race to another writer of the same instance.</summary>
internal sealed class CommitConflictException(Exception inner) : Exception("Another writer committed this instance first.", inner);
