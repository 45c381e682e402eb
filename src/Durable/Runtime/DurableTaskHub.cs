using Azure.Data.Tables;
using Governance.Durable.Core;
using Governance.Durable.Runtime;
using Governance.Durable.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Governance.Durable;

/// <summary>
/// One task hub on Azure Storage as seen from this process, shared by the client and the worker: the orchestration
/// service facade. It owns the storage and, when the worker runs here, wires and starts the parts that do the work:
/// <see cref="PartitionManager"/> (leases), <see cref="ControlQueueListeners"/> (control queues),
/// <see cref="SessionManager"/> (instance sessions), <see cref="OrchestrationStepRunner"/> with the pure
/// <see cref="StepPlanner"/> (steps), <see cref="OutboxDispatcher"/>, <see cref="ActivityWorkItemQueue"/>,
/// <see cref="TimerService"/>, <see cref="TriggerRenewer"/>, <see cref="ProjectionWriter"/> and <see cref="RecoverySweep"/>.
/// </summary>
public sealed class DurableTaskHub : IAsyncDisposable
{
    private readonly ILogger logger;
    private readonly SemaphoreSlim storageGate = new(1, 1);
    private readonly WorkerLifetime lifetime = new();
    private readonly List<Task> loops = [];
    private readonly SessionManager sessions;
    private readonly ControlQueueListeners controlQueues;
    private readonly ActivityWorkItemQueue workItems;
    private readonly TriggerRenewer renewer;
    private readonly ProjectionWriter projections;
    private readonly InstanceWatchers watchers = new();
    private bool storageReady;
    private CrossHostWake? crossHost;

    public DurableTaskHub(IOptions<DurableTaskOptions> options, TimeProvider clock, IServiceProvider services)
    {
        Options = options.Value;
        Clock = clock;
        Services = services;
        LoggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        logger = LoggerFactory.CreateLogger("Governance.Durable");
        Registry = services.GetService<DurableTaskRegistry>() ?? new DurableTaskRegistry();
        Store = new TaskHubStore(Options);
        SubmissionStore = new Submissions.SubmissionStore(Store);
        HistoryCache = new HistoryCache(Options.HistoryCacheEventCount);
        StartGate = new SemaphoreSlim(Options.MaxConcurrentStarts);
        Partitions = new PartitionManager(Store, Options, logger);
        Timers = new TimerService(Store, Clock, logger, (message, trigger) => sessions!.Deliver(message, trigger));
        Recovery = new RecoverySweep(this, logger);

        sessions = new SessionManager(Store, Options, lifetime, PartitionOf, logger)
        {
            StepExecuting = (id, starting) => StepExecuting?.Invoke(id, starting),
            QuiescenceChecked = (id, released) => QuiescenceChecked?.Invoke(id, released),
        };
        controlQueues = new ControlQueueListeners(Store, Options, Partitions, sessions, lifetime, Clock, logger);
        var activitySlots = new SemaphoreSlim(Options.MaxConcurrentActivityFunctions);
        var diagnostics = WorkerDiagnostics.From(Services);
        var activities = new ActivityRunner(Registry, Services, Clock, logger, diagnostics);
        workItems = new ActivityWorkItemQueue(Store, Options, activitySlots, activities, (m, t) => SendAsync(m, t), Clock, logger);
        projections = new ProjectionWriter(Store, logger);
        var dispatcher = new OutboxDispatcher(this, sessions, activities, workItems, projections, activitySlots, lifetime);
        var planner = new StepPlanner(new OrchestratorRunner(Registry, Services, LoggerFactory, Options.DefaultVersion, diagnostics, Options.Versioning), logger);
        var steps = new OrchestrationStepRunner(Store, Options, Clock, planner, dispatcher, projections, watchers, SubmissionWatchers);
        sessions.RunStep = steps.RunAsync;
        renewer = new TriggerRenewer(sessions, Options, logger);

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

    /// <summary>The shared activity work-item queue (its test hook).</summary>
    internal ActivityWorkItemQueue WorkItems => workItems;

    internal ILoggerFactory LoggerFactory { get; }

    internal IServiceProvider Services { get; }

    /// <summary>Instances the recovery sweep of this host found unfinished with nothing pending, and re-drove.</summary>
    public long RecoveredInstanceCount => Recovery.RedrivenCount;

    internal Submissions.SubmissionWatchers SubmissionWatchers { get; } = new();

    internal Submissions.SubmissionStore SubmissionStore { get; }

    /// <summary>Bounds the starts this process's clients issue at once (<see cref="DurableTaskOptions.MaxConcurrentStarts"/>).</summary>
    internal SemaphoreSlim StartGate { get; }

    /// <summary>Histories of finished executions this process read (see <see cref="Durable.HistoryCache"/>).</summary>
    internal HistoryCache HistoryCache { get; }

    /// <summary>The partitions this host owns now.</summary>
    public IReadOnlyCollection<int> OwnedPartitions => Partitions.OwnedPartitions;

    public string WorkerId => Partitions.WorkerId;

    /// <summary>Observer for tests and diagnostics: called with the instance id when a step starts and ends on this host.</summary>
    public event Action<string, bool>? StepExecuting;

    /// <summary>Test hook: after a session's loop ends, with whether it released its triggers (the instance was quiescent).</summary>
    internal event Action<string, bool>? QuiescenceChecked;

    internal DateTime UtcNow => Clock.GetUtcNow().UtcDateTime;

    public bool IsCrashed => lifetime.IsCrashed;

    /// <summary>Creates tables, queues and containers if needed (idempotent).</summary>
    public async Task EnsureStorageAsync(CancellationToken cancellationToken = default)
    {
        if (storageReady)
        {
            return;
        }

        await storageGate.WaitAsync(cancellationToken);
        try
        {
            if (!storageReady)
            {
                await Store.CreateIfNotExistsAsync(cancellationToken);
                StartCrossHostWake();
                storageReady = true;
            }
        }
        finally
        {
            storageGate.Release();
        }
    }

    /// <summary>Opens the wake-up socket (see <see cref="CrossHostWake"/>); without it, hosts find each other's work by polling.</summary>
    private void StartCrossHostWake()
    {
        if (!Options.CrossHostWakeEnabled || crossHost is not null)
        {
            return;
        }

        try
        {
            crossHost = new CrossHostWake(new WakeChannel(Options, logger), Store, Options, logger);
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or FormatException)
        {
            logger.LogWarning("Cross-host wake-ups are off on this host (work sent by other hosts waits for polling): {Error}", ex.Message);
            return;
        }

        crossHost.PartitionWoken += controlQueues.Wake;
        crossHost.InstanceChanged += watchers.NotifyChangedElsewhere;
        watchers.Changed += crossHost.NotifyChanged;
        controlQueues.CrossHost = crossHost;
        Partitions.WakeEndpoint = crossHost.Channel.Advertised.ToString();
        Partitions.OwnerSeen += crossHost.SetOwner;
    }

    /// <summary>
    /// Asks the owner of the instance's partition, when another host owns it, to signal its next step here: a local
    /// <see cref="WaitForChangeAsync"/> then completes with <see cref="InstanceWatchers.ChangedElsewhere"/>.
    /// </summary>
    internal Task WatchElsewhere(string instanceId)
    {
        int partition = PartitionOf(instanceId);
        return crossHost is not null && (lifetime.IsCrashed || !Partitions.Owns(partition))
            ? crossHost.Watch(partition, instanceId)
            : Task.CompletedTask;
    }

    /// <summary>Test hook: true while the listener of the partition waits after finding its queue empty.</summary>
    internal bool IsControlQueueIdle(int partition) => controlQueues.IsIdle(partition);

    /// <summary>Starts the worker: partition leases, control-queue listeners, timers, the activity work-item queue.</summary>
    public async Task StartWorkerAsync(CancellationToken cancellationToken = default)
    {
        await EnsureStorageAsync(cancellationToken);
        await Partitions.EnsureLeaseBlobsAsync(cancellationToken);
        lifetime.Start();
        var token = lifetime.Token;
        loops.Add(Task.Run(() => Partitions.RunAsync(token), CancellationToken.None));
        loops.Add(Task.Run(() => Timers.RunAsync(token), CancellationToken.None));
        loops.Add(Task.Run(() => workItems.RunAsync(token), CancellationToken.None));
        loops.Add(Task.Run(() => renewer.RunAsync(token), CancellationToken.None));
        if (Options.RecoverySweepInterval != Timeout.InfiniteTimeSpan)
        {
            loops.Add(Task.Run(() => Recovery.RunAsync(token), CancellationToken.None));
        }
        logger.LogInformation("Durable worker {WorkerId} started on task hub {Hub} ({Partitions} partitions).", WorkerId, HubName, Options.PartitionCount);
    }

    /// <summary>Stops gracefully: stops taking work, waits briefly for steps in progress, releases leases.</summary>
    public async Task StopWorkerAsync(CancellationToken cancellationToken = default)
    {
        lifetime.Stop();
        try
        {
            await Task.WhenAll(loops).WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
        }

        loops.Clear();
        sessions.AbandonAll();
        if (!lifetime.IsCrashed)
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
        lifetime.Crash();
        Partitions.Abandon();
        controlQueues.StopAll();
        sessions.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        if (!lifetime.IsStopping)
        {
            await StopWorkerAsync();
        }

        crossHost?.Dispose();
    }

    private void OnPartitionAcquired(int partition)
    {
        Timers.AddPartition(partition);
        controlQueues.Listen(partition);
    }

    private void OnPartitionLost(int partition)
    {
        controlQueues.StopListening(partition);
        Timers.RemovePartition(partition);
        sessions.AbandonPartition(partition);
    }

    /// <summary>
    /// True when this host has no work of the instance in hand: no step running or queued, no activity running,
    /// no projection being written. For drivers of a fake clock, which must not move time while an instance is busy.
    /// </summary>
    public bool IsIdle(string instanceId) => sessions.IsQuiet(instanceId, countHeldTriggers: false);

    /// <summary>True when this host holds no work of the instance: no step, mailbox, activity, projection or held trigger.</summary>
    internal bool HoldsNothingOf(string instanceId) => sessions.IsQuiet(instanceId, countHeldTriggers: true);

    /// <summary>Reloads the instance from storage and re-dispatches its outbox (recovery).</summary>
    internal void Redrive(string instanceId) => sessions.Redrive(instanceId);

    /// <summary>Forgets the cached state of an instance that storage no longer has (after a purge).</summary>
    internal void Evict(string instanceId) => sessions.Evict(instanceId);

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

    internal int PartitionOf(string instanceId) => PartitionHash.PartitionOf(instanceId, Options.PartitionCount);

    /// <summary>Sends a message to an instance durably, through its control queue (see <see cref="ControlQueueListeners.SendAsync"/>).</summary>
    internal Task SendAsync(TaskMessage message, CancellationToken cancellationToken, bool newInstance = false)
        => controlQueues.SendAsync(message, cancellationToken, newInstance);

    /// <summary>Test hook: client starts waiting to share the next queue message of their control queue.</summary>
    internal int StartsWaitingToSend => controlQueues.StartsWaiting;

    /// <summary>Sends a client's start message; concurrent starts to one control queue share a queue message (<see cref="StartMessageBatcher"/>).</summary>
    internal Task SendStartAsync(TaskMessage message, bool newInstance, CancellationToken cancellationToken)
        => controlQueues.SendAsync(message, cancellationToken, newInstance, coalesce: true);

    /// <summary>Writes a timer row; if this host owns the partition it also schedules the timer in memory.</summary>
    internal async Task ScheduleTimerAsync(DateTime fireAt, TaskMessage message, CancellationToken cancellationToken)
    {
        await Store.UpsertTimerAsync(fireAt, message, cancellationToken);
        Timers.Add(PartitionOf(message.InstanceId), TaskHubStore.TimerRowKey(fireAt, message.Id), fireAt, message);
    }

    /// <summary>Completes with the instance's new state when this host next commits a step of it, or with null after <paramref name="timeout"/>.</summary>
    internal Task<InstanceState?> WaitForChangeAsync(string instanceId, TimeSpan timeout, CancellationToken cancellationToken)
        => watchers.WaitForChangeAsync(instanceId, timeout, cancellationToken);

    /// <summary>Instances some local caller is waiting on now (diagnostics).</summary>
    internal int WatchedInstanceCount => watchers.Count;

    /// <summary>Instance sessions cached on this host now (diagnostics).</summary>
    internal int CachedSessionCount => sessions.All.Count;

    /// <summary>Writes the instance's row of the query view.</summary>
    internal Task ProjectAsync(InstanceState state, CancellationToken token) => projections.ProjectAsync(state, token);
}
