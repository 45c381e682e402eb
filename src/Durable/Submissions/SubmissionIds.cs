namespace Governance.Durable;

/// <summary>Rules for submission ids (idempotency keys): they become table row keys and appear in URLs.</summary>
public static class SubmissionIds
{
    public const int MaxLength = 128;

    /// <summary>Returns null when <paramref name="submissionId"/> is valid, else the reason it is not.</summary>
    public static string? Validate(string? submissionId)
    {
        if (string.IsNullOrEmpty(submissionId))
        {
            return "The submission id must not be empty.";
        }

        if (submissionId.Length > MaxLength)
        {
            return $"The submission id must be at most {MaxLength} characters.";
        }

        return submissionId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? null
            : "The submission id may contain only ASCII letters, digits, '-', '_', '.' and ':'.";
    }

    public static void EnsureValid(string submissionId)
    {
        if (Validate(submissionId) is { } error)
        {
            throw new ArgumentException(error, nameof(submissionId));
        }
    }
}
