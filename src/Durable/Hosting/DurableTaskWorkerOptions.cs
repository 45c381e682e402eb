namespace Governance.Durable;

/// <summary>
/// Worker settings of Microsoft.DurableTask's shape; here they hold the versioning rules, the rest of the runtime's
/// settings are <see cref="DurableTaskOptions"/> (one task hub serves client and worker).
/// </summary>
public sealed class DurableTaskWorkerOptions
{
    /// <summary>Which orchestration versions this worker runs, and what happens to the others.</summary>
    public VersioningOptions? Versioning { get; set; }

    /// <summary>Has no effect here: a durable timer is one row however long it is, so it is never split into shorter ones.</summary>
    [Obsolete("Governance.Durable keeps each durable timer as one row whatever its length (no queue-visibility limit), so there is no maximum timer interval; this setting is ignored.")]
    public TimeSpan MaximumTimerInterval { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How an instance's version is compared with <see cref="VersioningOptions.Version"/>.</summary>
    public enum VersionMatchStrategy
    {
        /// <summary>Every version runs.</summary>
        None = 0,

        /// <summary>Only instances of exactly the worker's version run.</summary>
        Strict = 1,

        /// <summary>Instances of the worker's version or an older one run (see <see cref="OrchestrationVersions.Compare"/>).</summary>
        CurrentOrOlder = 2,
    }

    /// <summary>What happens to an instance whose version this worker does not run.</summary>
    public enum VersionFailureStrategy
    {
        /// <summary>Leave the instance for another worker. Not supported here: instances are owned by partition, not by version.</summary>
        [Obsolete("Governance.Durable runs an instance on the worker that owns its partition, whatever its version, so it cannot leave the instance to another worker; an instance of a version this worker does not run fails as with Fail.")]
        Reject = 0,

        /// <summary>The instance fails with error type <c>VersionMismatch</c>.</summary>
        Fail = 1,
    }

    /// <summary>Versioning rules of a worker.</summary>
    public sealed class VersioningOptions
    {
        /// <summary>The version this worker runs (compared with each instance's version by <see cref="MatchStrategy"/>).</summary>
        public string Version { get; set; } = string.Empty;

        /// <summary>Version given to new instances and sub-orchestrations that name none (sets <see cref="DurableTaskOptions.DefaultVersion"/>).</summary>
        public string? DefaultVersion { get; set; }

        public VersionMatchStrategy MatchStrategy { get; set; } = VersionMatchStrategy.None;

        public VersionFailureStrategy FailureStrategy { get; set; } = VersionFailureStrategy.Fail;

        /// <summary>Why an instance of <paramref name="instanceVersion"/> may not run here, or null when it may.</summary>
        public TaskFailureDetails? Refuse(string instanceVersion)
        {
            bool runs = MatchStrategy switch
            {
                VersionMatchStrategy.Strict => OrchestrationVersions.Compare(instanceVersion, Version) == 0,
                VersionMatchStrategy.CurrentOrOlder => OrchestrationVersions.Compare(instanceVersion, Version) <= 0,
                _ => true,
            };
            return runs ? null : new TaskFailureDetails("VersionMismatch",
                $"The orchestration version '{instanceVersion}' does not match the worker version '{Version}' ({MatchStrategy}).");
        }
    }
}
