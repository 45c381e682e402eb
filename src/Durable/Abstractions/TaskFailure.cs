namespace Governance.Durable;

/// <summary>Serializable description of a failure, kept in history.</summary>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace = null, TaskFailureDetails? InnerFailure = null)
{
    public static TaskFailureDetails FromException(Exception exception) => new(
        exception.GetType().FullName ?? exception.GetType().Name,
        exception.Message,
        exception.StackTrace,
        // An uncaught activity or sub-orchestration failure keeps that task's own failure as the inner one.
        exception is TaskFailedException failed ? failed.FailureDetails
            : exception.InnerException is null ? null : FromException(exception.InnerException));

    /// <summary>True when the failure was caused by an exception of type <typeparamref name="T"/> (or a subtype, by name).</summary>
    public bool IsCausedBy<T>() where T : Exception
    {
        Type? recorded = Type.GetType(ErrorType, throwOnError: false);
        bool matches = recorded is not null ? typeof(T).IsAssignableFrom(recorded) : ErrorType == typeof(T).FullName;
        return matches || (InnerFailure?.IsCausedBy<T>() ?? false);
    }

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}

/// <summary>Thrown into an orchestration when an activity or sub-orchestration it awaited failed.</summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    public string TaskName { get; }
    public int TaskId { get; }
    public TaskFailureDetails FailureDetails { get; }
}

/// <summary>Thrown when replaying an orchestration does not match its recorded history.</summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException(int eventId, string expected, string actual)
        : base($"Non-deterministic workflow detected: at action #{eventId} the history has {expected} but the orchestrator now did {actual}. " +
               "Orchestrator code changed while instances were running; register the change as a new version instead.")
    {
        EventId = eventId;
        Expected = expected;
        Actual = actual;
    }

    public int EventId { get; }
    public string Expected { get; }
    public string Actual { get; }
}
