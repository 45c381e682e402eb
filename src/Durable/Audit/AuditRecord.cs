namespace Governance.Durable.Audit;

/// <summary>
/// One entry of an instance's audit trail: who did what, when, with the key figures, chained to the previous entry by
/// <see cref="PreviousHash"/>. <see cref="Hash"/> is the SHA-256 of <see cref="AuditCanonicalForm"/> (everything but the hash).
/// </summary>
public sealed record AuditRecord(
    string InstanceId,
    long Sequence,
    string Kind,
    string Actor,
    DateTime At,
    string AtChina,
    string? ExecutionId,
    IReadOnlyDictionary<string, string> Figures,
    string PreviousHash,
    string Hash)
{
    /// <summary>Previous hash of the first record of a trail.</summary>
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The actor of what no outside caller caused (timers, activities, the orchestrator itself).</summary>
    public const string SystemActor = "system";
}

/// <summary>Stable record kinds: auditors' tools may rely on these names.</summary>
public static class AuditKinds
{
    public const string InstanceStarted = "instance.started";
    public const string InstanceCompleted = "instance.completed";
    public const string InstanceFailed = "instance.failed";
    public const string InstanceContinuedAsNew = "instance.continued-as-new";
    public const string InstanceTerminated = "instance.terminated";
    public const string InstanceSuspended = "instance.suspended";
    public const string InstanceResumed = "instance.resumed";
    public const string InstancePurged = "instance.purged";
    public const string InstanceLinked = "instance.linked";
    public const string SubmissionAccepted = "submission.accepted";
    public const string SubmissionRejected = "submission.rejected";
    public const string SubmissionNotAwaited = "submission.not-awaited";
    public const string SubmissionWrongStep = "submission.wrong-step-token";
    public const string EventRaised = "event.raised";
    public const string TaskRecorded = "task.recorded";
    public const string MessagePoisoned = "message.poisoned";

    /// <summary>What exceeded one step's record budget, summarised in one record (kinds and count).</summary>
    public const string Folded = "step.folded";
}
