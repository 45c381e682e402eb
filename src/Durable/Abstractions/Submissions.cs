namespace Governance.Durable;

// Submissions are request–response messages to a running instance (modelled on Temporal's workflow updates): the
// orchestrator decides them inside its own step, so a submission is accepted only while the instance waits for it
// *now*, is validated before it counts, and its outcome (accepted, rejected, not awaited) is in the history and is
// answered to the caller. Unlike external events they are never buffered. External events stay as they are for
// machine signals.

/// <summary>How an orchestrator waits for a submission.</summary>
public sealed record SubmissionWaitOptions
{
    /// <summary>
    /// Names this occurrence of the step (e.g. <c>ProgressReported#2</c>). A submission that names another token is
    /// refused, so a late retry for one occurrence can never be taken as the next one.
    /// </summary>
    public string? StepToken { get; init; }
}

/// <summary>What an accepted submission gives the orchestrator, with a one-line summary for the submitter and the record.</summary>
public readonly record struct SubmissionAcceptance<TResult>(TResult Result, string? SummaryEn = null, string? SummaryZh = null);

/// <summary>Builds <see cref="SubmissionAcceptance{TResult}"/> values.</summary>
public static class SubmissionAcceptance
{
    public static SubmissionAcceptance<TResult> Of<TResult>(TResult result, string? summaryEn = null, string? summaryZh = null) => new(result, summaryEn, summaryZh);
}

/// <summary>
/// Thrown by an orchestrator's accept function to refuse a submission: the step stays open, the instance is unchanged
/// except for the recorded refusal, and the submitter is told the rule, the field and the reason (English and Chinese).
/// </summary>
public sealed class SubmissionRejectedException(string rule, string? field, string messageEn, string? messageZh = null)
    : Exception(messageEn)
{
    public string Rule { get; } = rule;

    public string? Field { get; } = field;

    public string MessageEn { get; } = messageEn;

    public string? MessageZh { get; } = messageZh;
}

/// <summary>How a submission ended.</summary>
public enum SubmissionStatus
{
    /// <summary>Sent, not decided yet (the caller stopped waiting); read the outcome later by its id.</summary>
    Pending,

    /// <summary>Taken by the step it was meant for.</summary>
    Accepted,

    /// <summary>Refused by the step's rules; the step stays open.</summary>
    Rejected,

    /// <summary>The instance does not wait for this step now (not yet, no longer, suspended, or finished). Never buffered.</summary>
    NotAwaited,

    /// <summary>The submission named another occurrence of the step (<see cref="SubmitOptions.StepToken"/>) than the one open now.</summary>
    WrongStep,

    /// <summary>The submission id was used before with another event or body.</summary>
    IdempotencyConflict,
}

/// <summary>A step the instance waits for, with its occurrence token when it has one.</summary>
public sealed record AwaitedStep(string EventName, string? StepToken);

/// <summary>How a submission is sent.</summary>
public sealed record SubmitOptions
{
    /// <summary>Idempotency key: the same id with the same event and body gives the same outcome, recorded once. Default: a new id.</summary>
    public string? SubmissionId { get; init; }

    /// <summary>The occurrence the submitter means (see <see cref="SubmissionWaitOptions.StepToken"/>); null accepts whatever occurrence is open.</summary>
    public string? StepToken { get; init; }

    /// <summary>How long to wait for the outcome; after it the outcome is <see cref="SubmissionStatus.Pending"/> and can be read later.</summary>
    public TimeSpan WaitFor { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>The decision the instance recorded for a submission.</summary>
public sealed record SubmissionDecision(
    SubmissionStatus Status,
    string? Result = null,
    string? SummaryEn = null,
    string? SummaryZh = null,
    string? Rule = null,
    string? Field = null,
    string? MessageEn = null,
    string? MessageZh = null,
    IReadOnlyList<AwaitedStep>? Awaiting = null,
    string? StepToken = null);

/// <summary>What a caller learns about a submission.</summary>
public sealed record SubmissionOutcome(
    string InstanceId,
    string SubmissionId,
    string EventName,
    SubmissionStatus Status,
    SubmissionDecision? Decision,
    string? Actor,
    DateTimeOffset? DecidedAt,
    OrchestrationRuntimeStatus? RuntimeStatus = null)
{
    public bool IsDecided => Status != SubmissionStatus.Pending;
}
