using Microsoft.Extensions.Logging;

namespace Governance.Durable;

/// <summary>
/// The orchestrator's view of its instance, mirroring Microsoft.DurableTask's context. Every member that
/// returns a task records (or replays) an action in the instance's history. Members are abstract or virtual
/// so orchestrators can be unit-tested with a mock.
/// </summary>
public abstract class TaskOrchestrationContext
{
    public abstract TaskName Name { get; }

    public abstract string InstanceId { get; }

    /// <summary>The orchestrator version this instance started with; it always replays with that version.</summary>
    public virtual string Version => string.Empty;

    public abstract ParentOrchestrationInstance? Parent { get; }

    /// <summary>The replay-safe current time: the time the current step started, from history.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    public abstract bool IsReplaying { get; }

    protected abstract ILoggerFactory LoggerFactory { get; }

    public abstract T? GetInput<T>();

    public virtual Task CallActivityAsync(TaskName name, object? input = null, TaskOptions? options = null)
        => CallActivityAsync<object?>(name, input, options);

    /// <summary>Calls an activity without input; the options are options, never input (as in Microsoft.DurableTask).</summary>
    public virtual Task CallActivityAsync(TaskName name, TaskOptions options)
        => CallActivityAsync(name, null, options);

    /// <summary>Calls an activity without input; the options are options, never input (as in Microsoft.DurableTask).</summary>
    public virtual Task<TResult> CallActivityAsync<TResult>(TaskName name, TaskOptions options)
        => CallActivityAsync<TResult>(name, null, options);

    public abstract Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null);

    public virtual Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken)
        => CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>A durable timer: one TimerCreated and one TimerFired event in history, whatever its length.</summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>Waits for an external event; events that arrived earlier are buffered and delivered first-in first-out.</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an external event or throws <see cref="TaskCanceledException"/> when the timeout elapses.</summary>
    public virtual Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout)
        => WaitForExternalEvent<T>(eventName, timeout, CancellationToken.None);

    /// <summary>
    /// Waits for an external event; throws <see cref="TaskCanceledException"/> when the timeout elapses (a durable timer)
    /// or when <paramref name="cancellationToken"/> is cancelled first.
    /// </summary>
    public virtual async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var timerCancellation = new CancellationTokenSource();
        using var eventCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task<T> eventTask = WaitForExternalEvent<T>(eventName, eventCancellation.Token);
        Task timerTask = CreateTimer(timeout, timerCancellation.Token);
        Task winner = await Task.WhenAny(eventTask, timerTask);
        if (winner == eventTask)
        {
            timerCancellation.Cancel();
            return await eventTask;
        }

        eventCancellation.Cancel();
        throw new TaskCanceledException($"Timed out after {timeout} waiting for external event '{eventName}'.");
    }

    /// <summary>
    /// Waits for a submission (a person's step) named <paramref name="eventName"/>. While this wait is open, each
    /// submission is decided inside the instance's step: <paramref name="accept"/> runs on the payload and either
    /// returns the result (the submission is accepted and this task completes) or throws
    /// <see cref="SubmissionRejectedException"/> (the submission is refused with the rule and the wait goes on).
    /// Submissions that arrive while nothing waits for them are refused as not awaited, never buffered.
    /// <paramref name="accept"/> must be deterministic: it runs again on replay.
    /// </summary>
    public abstract Task<TResult> WaitForSubmission<TPayload, TResult>(
        string eventName, Func<TPayload, SubmissionAcceptance<TResult>> accept, SubmissionWaitOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Waits for a submission whose payload is the result; <paramref name="validate"/> refuses it by throwing <see cref="SubmissionRejectedException"/>.</summary>
    public virtual Task<TPayload> WaitForSubmission<TPayload>(
        string eventName, Action<TPayload>? validate = null, SubmissionWaitOptions? options = null, CancellationToken cancellationToken = default)
        => WaitForSubmission<TPayload, TPayload>(eventName, payload =>
        {
            validate?.Invoke(payload);
            return SubmissionAcceptance.Of(payload);
        }, options, cancellationToken);

    /// <summary>Sends an event to another orchestration instance (fire and forget, recorded in history).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    /// <summary>Sets the custom status shown in the instance's metadata (any JSON-serializable object).</summary>
    public abstract void SetCustomStatus(object? customStatus);

    public virtual Task CallSubOrchestratorAsync(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
        => CallSubOrchestratorAsync<object?>(orchestratorName, input, options);

    /// <summary>Calls a sub-orchestrator without input; the options are options, never input (as in Microsoft.DurableTask).</summary>
    public virtual Task CallSubOrchestratorAsync(TaskName orchestratorName, TaskOptions options)
        => CallSubOrchestratorAsync(orchestratorName, null, options);

    /// <summary>Calls a sub-orchestrator without input; the options are options, never input (as in Microsoft.DurableTask).</summary>
    public virtual Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, TaskOptions options)
        => CallSubOrchestratorAsync<TResult>(orchestratorName, null, options);

    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null);

    /// <summary>
    /// Restarts this instance with a new input and an empty history once the current run returns. The previous
    /// execution's history stays readable by its execution id. Unprocessed external events are carried over when asked.
    /// </summary>
    public abstract void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true);

    /// <summary>Restarts this instance as <see cref="ContinueAsNew(object?, bool)"/> does, optionally as another orchestrator version.</summary>
    public virtual void ContinueAsNew(ContinueAsNewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrEmpty(options.NewVersion))
        {
            throw new NotSupportedException($"{GetType().Name} cannot continue as a new version.");
        }

        ContinueAsNew(options.NewInput, options.PreserveUnprocessedEvents);
    }

    /// <summary>A deterministic, replay-safe GUID (name-based, from the instance id and a counter).</summary>
    public abstract Guid NewGuid();

    /// <summary>
    /// Compares this instance's <see cref="Version"/> with <paramref name="version"/>: negative, zero or positive. An empty
    /// version is older than any other; versions that parse as <see cref="System.Version"/> compare numerically, others
    /// as text ignoring case.
    /// </summary>
    public virtual int CompareVersionTo(string version) => OrchestrationVersions.Compare(Version, version);

    private ILoggerFactory? replaySafeLoggerFactory;

    /// <summary>A logger factory whose loggers write nothing while the orchestrator replays.</summary>
    public virtual ILoggerFactory ReplaySafeLoggerFactory => replaySafeLoggerFactory ??= new ReplaySafeLoggerFactoryImpl(this);

    public virtual ILogger CreateReplaySafeLogger(string categoryName)
        => new ReplaySafeLogger(this, LoggerFactory.CreateLogger(categoryName));

    public virtual ILogger CreateReplaySafeLogger(Type type)
        => new ReplaySafeLogger(this, LoggerFactory.CreateLogger(type));

    public virtual ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T));

    private sealed class ReplaySafeLoggerFactoryImpl(TaskOrchestrationContext context) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => context.CreateReplaySafeLogger(categoryName);

        public void AddProvider(ILoggerProvider provider)
            => throw new NotSupportedException("Add logger providers to the host's logging, not to an orchestration's replay-safe factory.");

        public void Dispose()
        {
        }
    }

    private sealed class ReplaySafeLogger(TaskOrchestrationContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
