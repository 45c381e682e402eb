using System.ComponentModel.DataAnnotations;

namespace Governance.Durable;

/// <summary>
/// Runtime settings; bound from host.json's <c>extensions:durableTask</c> section in the service
/// (names follow the Durable Functions schema where one exists).
/// </summary>
public sealed class DurableTaskOptions
{
    /// <summary>Azure Storage connection string (AzureWebJobsStorage); "UseDevelopmentStorage=true" for Azurite.</summary>
    [Required]
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Task hub name: prefixes every table, queue and container (letters and digits, 3–45 chars).</summary>
    [Required, RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = "hubName must be 3-45 letters or digits, starting with a letter.")]
    public string HubName { get; set; } = "GovernanceHub";

    /// <summary>Number of control-queue partitions (1–16); fixed for the life of a task hub.</summary>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = 4;

    [Range(1, 10_000)]
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 100;

    [Range(1, 10_000)]
    public int MaxConcurrentActivityFunctions { get; set; } = 20;

    /// <summary>Longest idle wait between polls of a queue; the poll interval backs off up to this when queues are empty.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Test hook: the shortest idle wait between polls (the backoff starts here).</summary>
    internal TimeSpan MinQueuePollingInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Cross-host wake-ups: a host that sends a message to a partition another host owns sends that owner a small
    /// authenticated UDP datagram, so its idle listener polls at once instead of after its backoff; a client waiting
    /// on such an instance asks the owner for a datagram when the instance changes. Best effort: polling remains the
    /// fallback. Datagrams are signed with a key derived from the connection string and hub name; a valid one can
    /// only make a host poll a queue or re-read a row sooner.
    /// </summary>
    public bool CrossHostWakeEnabled { get; set; } = true;

    /// <summary>The address other hosts send wake-ups to (advertised in the partition leases); the first non-loopback IPv4 address by default.</summary>
    public string? WakeAddress { get; set; }

    /// <summary>UDP port this host receives wake-ups on; 0 (the default) picks a free port.</summary>
    [Range(0, 65535)]
    public int WakePort { get; set; }

    /// <summary>Version given to new instances when the caller names none.</summary>
    public string DefaultVersion { get; set; } = string.Empty;

    /// <summary>Deliveries of one message before it is treated as poison.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>
    /// How long a received control or work-item message stays invisible; the host renews it every half period while
    /// it works on it, so a dead host's messages come back this long after its last renewal (kept below
    /// <see cref="LeaseDuration"/>, the new owner finds them visible as soon as it owns their partition).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan MessageVisibilityTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Partition lease length; a dead host's partitions are taken over after at most this long.</summary>
    [Range(typeof(TimeSpan), "00:00:15", "00:01:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How often the owner of a partition looks for unfinished instances that nothing durable can wake any more
    /// (no message, timer, outbox row or work in progress) and re-drives them; <see cref="Timeout.InfiniteTimeSpan"/> disables it.
    /// </summary>
    public TimeSpan RecoverySweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Instances kept in memory between steps (extended sessions); 0 disables the cache.</summary>
    [Range(0, 1_000_000)]
    public int InstanceCacheSize { get; set; } = 2_000;

    /// <summary>History events of finished executions the client keeps in memory for repeated history reads; 0 disables the cache.</summary>
    [Range(0, 10_000_000)]
    public int HistoryCacheEventCount { get; set; } = 100_000;

    /// <summary>Run the worker (orchestrations, activities, timers) in this process; false for a client-only process.</summary>
    public bool WorkerEnabled { get; set; } = true;

    /// <summary>Which orchestration versions this worker runs (Microsoft.DurableTask's worker versioning); null runs every version.</summary>
    public DurableTaskWorkerOptions.VersioningOptions? Versioning { get; set; }

    /// <summary>A name for this host in leases and logs; machine name and process id by default.</summary>
    public string? WorkerId { get; set; }

    /// <summary>
    /// Most connections this process opens to each storage endpoint (table, queue, blob), shared by every hub with the
    /// same limit; null (the default) leaves the Azure SDK's shared transport, which opens one per concurrent request.
    /// A limit applies to the worker's requests too (lease renewals wait behind queued client requests).
    /// </summary>
    [Range(1, 10_000)]
    public int? MaxStorageConnectionsPerEndpoint { get; set; }

    /// <summary>
    /// Starts one client issues to storage at the same time (their instance rows; their start messages then go one
    /// send at a time per control queue, shared); more callers wait their turn. A thousand concurrent starts would
    /// otherwise open a thousand connections at once, whose set-up costs the storage service more than the starts
    /// themselves (2–3× on Azurite); 32 keep the storage service busy without that cost.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxConcurrentStarts { get; set; } = 32;

    /// <summary>Adjusts the Azure SDK client options of every storage client (e.g. to add a pipeline policy that counts requests).</summary>
    public Action<Azure.Core.ClientOptions>? ConfigureStorageClientOptions { get; set; }

    /// <summary>
    /// How long an instance's audit trail outlives a purge of the instance, counted from its last record; null (the
    /// default) keeps trails for ever. A purge within the period keeps the trail and records the purge in it.
    /// </summary>
    public TimeSpan? AuditRetention { get; set; }

    /// <summary>
    /// Activities whose scheduling is a record of the audit trail (kind <c>task.recorded</c>, with the figures of its
    /// input), e.g. the reminders and escalations a process sends: what people were told is part of the record, while
    /// other activities are bookkeeping that stays in the history only.
    /// </summary>
    public ISet<string> AuditedActivities { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Test hook: called at each point of the commit protocol; throwing simulates a crash there.</summary>
    public IDurableFaultInjector? FaultInjector { get; set; }
}

/// <summary>Points in the orchestration step protocol where a crash can be simulated.</summary>
public enum FaultPoint
{
    /// <summary>The step ran, nothing written yet.</summary>
    BeforeCommit,

    /// <summary>History and outbox committed, nothing dispatched.</summary>
    AfterCommit,

    /// <summary>Outbox dispatched (messages sent, timers written), triggers not yet deleted.</summary>
    AfterDispatch,

    /// <summary>An activity ran, its result not yet delivered.</summary>
    AfterActivity,

    /// <summary>A local activity's result is about to be handed to its instance's mailbox.</summary>
    BeforeResultHandOff,
}

/// <summary>Lets tests stop the runtime abruptly at a chosen point.</summary>
public interface IDurableFaultInjector
{
    void At(FaultPoint point, string instanceId);
}
