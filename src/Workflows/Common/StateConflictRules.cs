namespace Governance.Workflows.Common;

/// <summary>
/// Rules a submission breaks not by its own content but by the state of something else it names (e.g. a project not
/// yet at the step the submission is for): the same body may be taken later (under a new idempotency key, as a refusal
/// stays the answer to its own), so the API answers 409 Conflict rather
/// than 400.
/// </summary>
public static class StateConflictRules
{
    /// <summary>The evaluation meeting rates a project that is not (yet) waiting for its satisfaction rating.</summary>
    public const string ProjectNotAtRatingStep = "meeting.projectNotAtRatingStep";

    private static readonly HashSet<string> Rules = new(StringComparer.Ordinal) { ProjectNotAtRatingStep };

    public static bool Contains(string? rule) => rule is not null && Rules.Contains(rule);
}
