namespace Governance.Durable;

/// <summary>Options for scheduling an activity or sub-orchestration (as in Microsoft.DurableTask).</summary>
public record TaskOptions
{
    public TaskOptions(TaskRetryOptions? retry = null) => Retry = retry;

    public TaskRetryOptions? Retry { get; init; }

    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(new TaskRetryOptions(policy));

    public SubOrchestrationOptions WithInstanceId(string? instanceId) => new(this, instanceId);
}

/// <summary>Options for a sub-orchestration: optionally its instance id (a business key) and version.</summary>
public record SubOrchestrationOptions : TaskOptions
{
    public SubOrchestrationOptions(TaskOptions? options = null, string? instanceId = null)
        : base(options?.Retry) => InstanceId = instanceId;

    public string? InstanceId { get; init; }

    public string? Version { get; init; }

    /// <summary>Search tags of the sub-orchestration; when null it inherits its parent's tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>Retry settings of a task.</summary>
public sealed record TaskRetryOptions(RetryPolicy Policy)
{
    public static implicit operator TaskRetryOptions(RetryPolicy policy) => new(policy);
}

/// <summary>
/// Declarative retry policy: attempts, first interval, exponential backoff with an optional cap and
/// an overall timeout. Retries are durable timers, so each attempt and wait is visible in history.
/// </summary>
public sealed record RetryPolicy
{
    public RetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        if (maxNumberOfAttempts < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxNumberOfAttempts), "At least one attempt is required.");
        }

        if (firstRetryInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(firstRetryInterval), "The first retry interval must be positive.");
        }

        if (backoffCoefficient < 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), "The backoff coefficient must be at least 1.");
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
    }

    public int MaxNumberOfAttempts { get; }
    public TimeSpan FirstRetryInterval { get; }
    public double BackoffCoefficient { get; }
    public TimeSpan MaxRetryInterval { get; }
    public TimeSpan RetryTimeout { get; }

    /// <summary>Optional predicate: retry only failures it accepts.</summary>
    public Func<TaskFailureDetails, bool>? HandleFailure { get; init; }

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 = first retry).</summary>
    public TimeSpan DelayBefore(int nextAttempt)
    {
        double factor = Math.Pow(BackoffCoefficient, nextAttempt - 2);
        double ticks = Math.Min(FirstRetryInterval.Ticks * factor, MaxRetryInterval.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}
