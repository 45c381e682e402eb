namespace Governance.Durable;

/// <summary>How orchestrator versions are ordered (the same order as Microsoft.DurableTask).</summary>
public static class OrchestrationVersions
{
    /// <summary>
    /// Negative when <paramref name="version"/> is older than <paramref name="other"/>, zero when the same, positive when newer.
    /// Empty is older than anything; dotted numbers compare as numbers; anything else as text, ignoring case.
    /// </summary>
    public static int Compare(string? version, string? other)
    {
        bool noVersion = string.IsNullOrWhiteSpace(version), noOther = string.IsNullOrWhiteSpace(other);
        if (noVersion || noOther)
        {
            return noVersion == noOther ? 0 : noVersion ? -1 : 1;
        }

        return Version.TryParse(version, out var parsed) && Version.TryParse(other, out var parsedOther)
            ? parsed.CompareTo(parsedOther)
            : string.Compare(version, other, StringComparison.OrdinalIgnoreCase);
    }
}
