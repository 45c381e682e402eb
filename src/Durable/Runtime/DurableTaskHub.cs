using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Governance.Durable.Core;
using Governance.Durable.Runtime;
using Governance.Durable.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Governance.Durable;

/// <summary>
/// One task hub on Azure Storage as seen from this process: the storage, and (when the worker runs here) the
/// partitions this host owns with their instances, timers and activities. Shared by the client and the worker.
/// </summary>
public sealed partial class DurableTaskHub : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, InstanceSession> sessions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TaskCompletionSource<InstanceState?>>> watchers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim orchestrationSlots;
    private readonly SemaphoreSlim activitySlots;
    private readonly ILogger logger;
    private readonly ILoggerFactory loggerFactory;
    private readonly IServiceProvider services;
    private readonly SemaphoreSlim startGate = new(1, 1);
    private CancellationTokenSource stopping = new();
    private readonly List<Task> loops = [];
    private readonly ConcurrentDictionary<int, CancellationTokenSource> partitionListeners = new();
    private readonly ConcurrentDictionary<int, WakeSignal> listenerWakes = new();

    /// <summary>Start messages this host sent for instances it just created (their history is known to be empty), by message id.</summary>
    private readonly ConcurrentDictionary<string, int> newInstanceHints = new(StringComparer.Ordinal);
    private bool storageReady;
    private volatile bool crashed;

    public DurableTaskHub(IOptions<DurableTaskOptions> options, TimeProvider clock, IServiceProvider services)
    {
        Options = options.Value;
        Clock = clock;
        this.services = services;
        loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        logger = loggerFactory.CreateLogger("Governance.Durable");
        Registry = services.GetService<DurableTaskRegistry>() ?? new DurableTaskRegistry();
        Store = new TaskHubStore(Options);
        SubmissionStore = new Submissions.SubmissionStore(Store);
        Partitions = new PartitionManager(Store, Options, logger);
        Timers = new TimerService(Store, Clock, logger, (message, trigger) => Deliver(message, trigger));
        orchestrationSlots = new SemaphoreSlim(Options.MaxConcurrentOrchestratorFunctions);
        activitySlots = new SemaphoreSlim(Options.MaxConcurrentActivityFunctions);
        Recovery = new RecoverySweep(this, logger);
        Partitions.Acquired += OnPartitionAcquired;
        Partitions.Lost += OnPartitionLost;
    }

    public DurableTaskOptions Options { get; }

    public TimeProvider Clock { get; }

    public string HubName => Options.HubName;

    internal TaskHubStore Store { get; }

    internal PartitionManager Partitions { get; }

    internal TimerService Timers { get; }

    internal DurableTaskRegistry Registry { get; }

    internal RecoverySweep Recovery { get; }

    /// <summary>Instances the recovery sweep of this host found unfinished with nothing pending, and re-drove.</summary>
    public long RecoveredInstanceCount => Recovery.RedrivenCount;

    internal Submissions.SubmissionWatchers SubmissionWatchers { get; } = new();

    internal Submissions.SubmissionStore SubmissionStore { get; }

    /// <summary>The partitions this host owns now.</summary>
    public IReadOnlyCollection<int> OwnedPartitions => Partitions.OwnedPartitions;

    public string WorkerId => Partitions.WorkerId;

    /// <summary>Observer for tests and diagnostics: called with the instance id when a step starts and ends on this host.</summary>
    public event Action<string, bool>? StepExecuting;

    /// <summary>Test hook: after a session's loop ends, with whether it released its triggers (the instance was quiescent).</summary>
    internal event Action<string, bool>? QuiescenceChecked;

    internal DateTime UtcNow => Clock.GetUtcNow().UtcDateTime;

    /// <summary>Creates tables, queues and containers if needed (idempotent).</summary>
    public async Task EnsureStorageAsync(CancellationToken cancellationToken = default)
    {
        if (storageReady)
        {
            return;
        }

        await startGate.WaitAsync(cancellationToken);
        try
        {
            if (!storageReady)
            {
                await Store.CreateIfNotExistsAsync(cancellationToken);
                storageReady = true;
            }
        }
        finally
        {
            startGate.Release();
        }
    }

    /// <summary>Starts the worker: partition leases, control-queue listeners, timers, the activity work-item queue.</summary>
    public async Task StartWorkerAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStorageAsync(cancellationToken);
        await Partitions.EnsureLeaseBlobsAsync(cancellationToken);
        stopping = new CancellationTokenSource();
        crashed = false;
        var token = stopping.Token;
        loops.Add(Task.Run(() => Partitions.RunAsync(token), CancellationToken.None));
        loops.Add(Task.Run(() => Timers.RunAsync(token), CancellationToken.None));
        loops.Add(Task.Run(() => WorkItemLoopAsync(token), CancellationToken.None));
        loops.Add(Task.Run(() => RenewTriggersLoopAsync(token), CancellationToken.None));
        if (Options.RecoverySweepInterval != Timeout.InfiniteTimeSpan)
        {
            loops.Add(Task.Run(() => Recovery.RunAsync(token), CancellationToken.None));
        }
        logger.LogInformation("Durable worker {WorkerId} started on task hub {Hub} ({Partitions} partitions).", WorkerId, HubName, Options.PartitionCount);
    }

    /// <summary>Stops gracefully: stops taking work, waits briefly for steps in progress, releases leases.</summary>
    public async Task StopWorkerAsync(CancellationToken cancellationToken = default)
    {
        stopping.Cancel();
        try
        {
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }

        loops.Clear();
        foreach (var session in sessions.Values)
        {
            AbandonSession(session);
        }

        sessions.Clear();
        if (!crashed)
        {
            try
            {
                // Bounded: with storage down the SDK would retry for tens of seconds; unreleased leases simply expire.
                using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                bound.CancelAfter(TimeSpan.FromSeconds(2));
                await Partitions.ReleaseAllAsync(bound.Token);
            }
            catch (Exception ex)
            {
                // Storage is gone (e.g. the emulator stopped first): the leases expire by themselves.
                logger.LogWarning("Could not release partition leases on shutdown: {Error}", ex.Message);
            }
        }
    }

    /// <summary>
    /// Test hook: stops abruptly, as a killed process would: no lease released, no message deleted, in-memory state
    /// dropped. Storage operations already in flight may still finish, as they would in a real crash.
    /// </summary>
    public void Crash()
    {
        crashed = true;
        stopping.Cancel();
        Partitions.Abandon();
        foreach (var cts in partitionListeners.Values)
        {
            cts.Cancel();
        }

        partitionListeners.Clear();
        sessions.Clear();
    }

    public bool IsCrashed => crashed;

    public async ValueTask DisposeAsync()
    {
        if (!stopping.IsCancellationRequested)
        {
            await StopWorkerAsync();
        }
    }

    private void OnPartitionAcquired(int partition)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
        partitionListeners[partition] = cts;
        listenerWakes[partition] = new WakeSignal();
        Timers.AddPartition(partition);
        _ = Task.Run(() => ControlQueueLoopAsync(partition, cts.Token), CancellationToken.None);
    }

    private void OnPartitionLost(int partition)
    {
        if (partitionListeners.TryRemove(partition, out var cts))
        {
            cts.Cancel();
        }

        listenerWakes.TryRemove(partition, out _);
        foreach (var hint in newInstanceHints.Where(h => h.Value == partition).ToList())
        {
            newInstanceHints.TryRemove(hint.Key, out _);
        }

        Timers.RemovePartition(partition);
        foreach (var session in sessions.Values.Where(s => s.Partition == partition).ToList())
        {
            AbandonSession(session);
            sessions.TryRemove(session.InstanceId, out _);
        }
    }

    private static void AbandonSession(InstanceSession session)
    {
        lock (session.Gate)
        {
            session.Abandoned = true;
        }
    }

    /// <summary>
    /// True when this host has no work of the instance in hand: no step running or queued, no activity running,
    /// no projection being written. For drivers of a fake clock, which must not move time while an instance is busy.
    /// </summary>
    public bool IsIdle(string instanceId) => IsQuiet(instanceId, countHeldTriggers: false);

    /// <summary>True when this host holds no work of the instance: no step, mailbox, activity, projection or held trigger.</summary>
    internal bool HoldsNothingOf(string instanceId) => IsQuiet(instanceId, countHeldTriggers: true);

    private bool IsQuiet(string instanceId, bool countHeldTriggers)
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

    /// <summary>Reloads the instance from storage and re-dispatches its outbox (recovery).</summary>
    internal void Redrive(string instanceId)
    {
        var session = sessions.GetOrAdd(instanceId, id => new InstanceSession(id, PartitionOf(id)));
        bool start = false;
        lock (session.Gate)
        {
            session.RedriveRequested = true;
            if (!session.Running)
            {
                session.Running = true;
                start = true;
            }
        }

        if (start)
        {
            _ = Task.Run(() => ProcessSessionAsync(session));
        }
    }

    /// <summary>
    /// Sends the start message of an instance again, rebuilt from its projection with the same message id (dropped
    /// as a duplicate if the first one arrives after all). False when there is nothing to start (or it starts later).
    /// </summary>
    internal async Task<bool> ResendStartAsync(string instanceId, CancellationToken cancellationToken)
    {
        var row = await Store.Instances.GetEntityIfExistsAsync<TableEntity>(instanceId, string.Empty, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return false;
        }

        var m = InstanceEntity.ToMetadata(row.Value!, includePayloads: true);
        if (m.RuntimeStatus != OrchestrationRuntimeStatus.Pending || m.ExecutionId is null || m.ScheduledStartAt is not null)
        {
            // A scheduled start waits in its timer row.
            return false;
        }

        if (m.ParentInstanceId is not null)
        {
            // A sub-orchestration's start is in its parent's outbox, which the parent's own recovery re-dispatches
            // (this view lacks the parent's execution and task id the child must report to).
            return false;
        }

        // The view keeps a large input as a blob reference; the orchestrator needs the input itself.
        var start = new ExecutionStartedEvent(m.Name, m.Version, await Store.ResolveAsync(m.SerializedInput), m.ExecutionId, 0, null,
            m.Tags.Count > 0 ? new Dictionary<string, string>(m.Tags) : null) { Timestamp = m.CreatedAt.UtcDateTime };
        await SendAsync(new TaskMessage($"{instanceId}|{m.ExecutionId}|start", instanceId, start), cancellationToken);
        return true;
    }

    /// <summary>Forgets the cached state of an instance that storage no longer has (after a purge).</summary>
    internal void Evict(string instanceId)
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

    internal int PartitionOf(string instanceId) => PartitionHash.PartitionOf(instanceId, Options.PartitionCount);

    // ---- sending ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Sends a message to an instance durably, through its control queue. When this host owns the instance's
    /// partition it wakes that queue's listener instead of handing the message over in memory: the listener receives
    /// it in queue order, so it never overtakes a message another host or client sent before it.
    /// </summary>
    internal async Task SendAsync(TaskMessage message, CancellationToken cancellationToken, bool newInstance = false)
    {
        QueueClient queue = Store.ControlQueueFor(message.InstanceId);
        string text = await Store.ToQueueTextAsync(message);
        int partition = PartitionOf(message.InstanceId);
        bool owned = !crashed && Partitions.Owns(partition);
        if (owned && newInstance)
        {
            newInstanceHints[message.Id] = partition;
        }

        await queue.SendMessageAsync(text, null, TimeSpan.FromSeconds(-1), cancellationToken);
        if (owned && listenerWakes.TryGetValue(partition, out var wake))
        {
            wake.Set();
        }
    }

    /// <summary>Writes a timer row; if this host owns the partition it also schedules the timer in memory.</summary>
    internal async Task ScheduleTimerAsync(DateTime fireAt, TaskMessage message, CancellationToken cancellationToken)
    {
        await Store.UpsertTimerAsync(fireAt, message, cancellationToken);
        Timers.Add(PartitionOf(message.InstanceId), TaskHubStore.TimerRowKey(fireAt, message.Id), fireAt, message);
    }

    /// <summary>Hands a message to the instance's session on this host and makes sure the session runs.</summary>
    /// <param name="newInstance">
    /// The sender just created the instance, so its history partition is known to be empty and need not be read.
    /// Were the hint wrong, the step's insert of the state row would conflict and the instance would be reloaded.
    /// </param>
    internal void Deliver(TaskMessage message, Trigger? trigger, bool newInstance = false)
    {
        if (crashed)
        {
            return;
        }

        var session = sessions.GetOrAdd(message.InstanceId, id => new InstanceSession(id, PartitionOf(id)));
        bool start = false;
        lock (session.Gate)
        {
            if (newInstance && !session.Loaded && !session.Running)
            {
                session.Loaded = true;
                session.State = null;
            }

            session.Inbox.Add(message);
            if (trigger is not null)
            {
                session.NewTriggers.Add(trigger);
            }

            if (!session.Running)
            {
                session.Running = true;
                start = true;
            }
        }

        if (start)
        {
            _ = Task.Run(() => ProcessSessionAsync(session));
        }
    }

    // ---- control queues --------------------------------------------------------------------------------------

    private async Task ControlQueueLoopAsync(int partition, CancellationToken cancellationToken)
    {
        QueueClient queue = Store.ControlQueues[partition];
        var backoff = new PollingBackoff(Options.MaxQueuePollingInterval, listenerWakes.GetValueOrDefault(partition));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var received = await queue.ReceiveMessagesAsync(32, Options.MessageVisibilityTimeout, cancellationToken);
                if (received.Value.Length == 0)
                {
                    await backoff.WaitAsync(cancellationToken);
                    continue;
                }

                backoff.Reset();
                foreach (var raw in received.Value)
                {
                    var trigger = new QueueMessageTrigger(queue, raw.MessageId, raw.PopReceipt);
                    TaskMessage message;
                    try
                    {
                        message = await Store.ParseQueueTextAsync(raw.MessageText);
                    }
                    catch (Exception ex)
                    {
                        logger.LogError(ex, "Unreadable control message {MessageId} moved to the poison table.", raw.MessageId);
                        await Store.RecordPoisonAsync("", raw.MessageId, "control", raw.MessageText, "Unreadable message: " + ex.Message, UtcNow, cancellationToken);
                        await trigger.CompleteAsync(cancellationToken);
                        continue;
                    }

                    if (raw.DequeueCount > Options.MaxDequeueCount)
                    {
                        string reason = $"Message {message.Id} ({message.Event.EventType}) failed processing {raw.DequeueCount - 1} times.";
                        logger.LogError("Poison message {MessageId} for instance {InstanceId}: {Reason}", message.Id, message.InstanceId, reason);
                        await Store.RecordPoisonAsync(message.InstanceId, message.Id, "control", Store.Serialize(message), reason, UtcNow, cancellationToken);
                        message = message with
                        {
                            Id = message.Id + "|poison",
                            Event = new MessagePoisonedEvent(message.Id, reason) { Timestamp = UtcNow, Start = message.Event as ExecutionStartedEvent },
                            TargetExecutionId = null,
                        };
                    }

                    Deliver(message, trigger, newInstanceHints.TryRemove(message.Id, out _));
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Receiving from control queue {Partition} failed; retrying.", partition);
                await backoff.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Keeps held queue messages invisible while their instance is still busy.</summary>
    private async Task RenewTriggersLoopAsync(CancellationToken cancellationToken)
    {
        TimeSpan visibility = Options.MessageVisibilityTimeout;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(visibility / 4, cancellationToken);

                // Messages waiting for their step (new triggers) expire as surely as those held by a running one.
                var due = new List<QueueMessageTrigger>();
                foreach (var session in sessions.Values)
                {
                    lock (session.Gate)
                    {
                        due.AddRange(session.HeldTriggers.Concat(session.NewTriggers).OfType<QueueMessageTrigger>()
                            .Where(t => DateTime.UtcNow - t.HeldSinceUtc > visibility / 2));
                    }
                }

                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (trigger, token) =>
                {
                    try
                    {
                        await trigger.RenewAsync(visibility, token);
                    }
                    catch (RequestFailedException ex) when (ex.Status is 404 or 400)
                    {
                        // The instance finished and deleted it meanwhile.
                        logger.LogDebug("Message {MessageId} is gone: {Error}", trigger.MessageId, ex.ErrorCode);
                    }
                    catch (RequestFailedException ex)
                    {
                        logger.LogWarning("Could not extend message {MessageId}: {Error}", trigger.MessageId, ex.ErrorCode);
                    }
                });
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    // ---- notifications for local waiters ---------------------------------------------------------------------

    /// <summary>
    /// Completes when this host next commits a step of the instance (with its new state), or with null after
    /// <paramref name="timeout"/>. Waiters are removed when they finish, so nothing accumulates per instance.
    /// </summary>
    internal async Task<InstanceState?> WaitForChangeAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
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
    internal int WatchedInstanceCount
    {
        get
        {
            lock (watchers)
            {
                return watchers.Count;
            }
        }
    }

    private void NotifyChanged(string instanceId, InstanceState state)
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
            tcs.TrySetResult(state.Clone());
        }
    }

    internal void RaiseStepExecuting(string instanceId, bool starting) => StepExecuting?.Invoke(instanceId, starting);

    internal ILoggerFactory LoggerFactory => loggerFactory;

    internal IServiceProvider Services => services;
}

/// <summary>Adaptive idle polling: starts at 10 ms and doubles up to the configured maximum; reset on work or by a wake-up.</summary>
internal sealed class PollingBackoff(TimeSpan max, WakeSignal? wake = null)
{
    private static readonly TimeSpan Min = TimeSpan.FromMilliseconds(10);
    private TimeSpan current = Min;

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
