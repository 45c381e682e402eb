namespace Governance.Durable.Storage;

/// <summary>Rules for instance ids: they are table partition keys, so some characters are not allowed.</summary>
public static class InstanceIds
{
    public const int MaxLength = 256;

    /// <summary>Returns null when <paramref name="instanceId"/> is valid, else the reason it is not.</summary>
    public static string? Validate(string? instanceId)
    {
        if (string.IsNullOrWhiteSpace(instanceId))
        {
            return "The instance id must not be empty.";
        }

        if (instanceId.Length > MaxLength)
        {
            return $"The instance id must be at most {MaxLength} characters.";
        }

        foreach (char c in instanceId)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                return "The instance id must not contain '/', '\\', '#', '?' or control characters.";
            }
        }

        return null;
    }

    public static void EnsureValid(string instanceId)
    {
        if (Validate(instanceId) is { } error)
        {
            throw new ArgumentException(error, nameof(instanceId));
        }
    }
}
