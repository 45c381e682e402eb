namespace Governance.Durable;

/// <summary>Options for scheduling an activity or sub-orchestration (as in Microsoft.DurableTask).</summary>
public record TaskOptions
{
    public TaskOptions(TaskRetryOptions? retry = null) => Retry = retry;

    public TaskRetryOptions? Retry { get; init; }

    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(new TaskRetryOptions(policy));

    /// <summary>Retries as long as <paramref name="handler"/> says so (custom retry logic, run in the orchestrator: keep it deterministic).</summary>
    public static TaskOptions FromRetryHandler(RetryHandler handler) => new(TaskRetryOptions.FromRetryHandler(handler));

    /// <inheritdoc cref="FromRetryHandler(RetryHandler)"/>
    public static TaskOptions FromRetryHandler(AsyncRetryHandler handler) => new(TaskRetryOptions.FromRetryHandler(handler));

    public SubOrchestrationOptions WithInstanceId(string? instanceId) => new(this, instanceId);
}

/// <summary>Options for a sub-orchestration: optionally its instance id (a business key) and version.</summary>
public record SubOrchestrationOptions : TaskOptions
{
    public SubOrchestrationOptions(TaskRetryOptions? retry = null, string? instanceId = null)
        : base(retry) => InstanceId = instanceId;

    /// <summary>Options from <paramref name="options"/> (with their instance id, version and tags when they are sub-orchestration options).</summary>
    public SubOrchestrationOptions(TaskOptions options, string? instanceId = null)
        : base(options?.Retry)
    {
        var sub = options as SubOrchestrationOptions;
        InstanceId = instanceId ?? sub?.InstanceId;
        Version = sub?.Version;
        Tags = sub?.Tags;
    }

    public string? InstanceId { get; init; }

    public string? Version { get; init; }

    /// <summary>Search tags of the sub-orchestration; when null it inherits its parent's tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>Retry settings of a task: a declarative <see cref="RetryPolicy"/> or a custom handler.</summary>
public sealed record TaskRetryOptions
{
    public TaskRetryOptions(RetryPolicy policy) => Policy = policy ?? throw new ArgumentNullException(nameof(policy));

    public TaskRetryOptions(AsyncRetryHandler handler) => Handler = handler ?? throw new ArgumentNullException(nameof(handler));

    public RetryPolicy? Policy { get; }

    /// <summary>Decides after each failed attempt whether to try again; it may wait first (e.g. with a durable timer).</summary>
    public AsyncRetryHandler? Handler { get; }

    public static implicit operator TaskRetryOptions(RetryPolicy policy) => FromRetryPolicy(policy);

    public static implicit operator TaskRetryOptions(AsyncRetryHandler handler) => FromRetryHandler(handler);

    public static implicit operator TaskRetryOptions(RetryHandler handler) => FromRetryHandler(handler);

    public static TaskRetryOptions FromRetryPolicy(RetryPolicy policy) => new(policy);

    public static TaskRetryOptions FromRetryHandler(AsyncRetryHandler handler) => new(handler);

    public static TaskRetryOptions FromRetryHandler(RetryHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new(context => Task.FromResult(handler(context)));
    }
}

/// <summary>Custom retry logic: true to try the failed task again.</summary>
public delegate bool RetryHandler(RetryContext retryContext);

/// <summary>Custom retry logic that may await (for example a durable timer as a backoff): true to try again.</summary>
public delegate Task<bool> AsyncRetryHandler(RetryContext retryContext);

/// <summary>What a retry handler knows about the failed attempt.</summary>
/// <param name="OrchestrationContext">The calling orchestration (for timers, time, logging).</param>
/// <param name="LastAttemptNumber">The attempt that just failed, 1 for the first.</param>
/// <param name="LastFailure">How it failed.</param>
/// <param name="TotalRetryTime">Orchestration time since the first attempt was scheduled.</param>
/// <param name="CancellationToken">Not cancelled by this runtime; kept for the shape of Microsoft.DurableTask.</param>
public record RetryContext(
    TaskOrchestrationContext OrchestrationContext,
    int LastAttemptNumber,
    TaskFailureDetails LastFailure,
    TimeSpan TotalRetryTime,
    CancellationToken CancellationToken);

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
