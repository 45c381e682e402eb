namespace Governance.Durable.Storage;

/// <summary>Names of a task hub's tables, queues and containers (all prefixed by the hub name).</summary>
internal sealed class TaskHubNames(string hubName, int partitionCount)
{
    private readonly string lower = hubName.ToLowerInvariant();

    public string HubName { get; } = hubName;
    public int PartitionCount { get; } = partitionCount;

    /// <summary>Per-instance partitions: state row, history rows and outbox rows.</summary>
    public string HistoryTable => HubName + "History";

    /// <summary>Query projection of every instance (one row each).</summary>
    public string InstancesTable => HubName + "Instances";

    /// <summary>Durable timers, partitioned like the control queues and keyed by due time.</summary>
    public string TimersTable => HubName + "Timers";

    /// <summary>Messages that failed repeatedly.</summary>
    public string PoisonTable => HubName + "Poison";

    /// <summary>Audit digests: signed summaries of the hub's audit trails (see Audit/AuditDigestStore).</summary>
    public string AuditDigestsTable => HubName + "AuditDigests";

    public string ControlQueue(int partition) => $"{lower}-control-{partition:D2}";

    public string WorkItemQueue => $"{lower}-workitems";

    public string LeaseContainer => $"{lower}-leases";

    public string PayloadContainer => $"{lower}-payloads";

    public string PartitionKeyOf(int partition) => $"p{partition:D2}";
}
