namespace Governance.Durable;

/// <summary>
/// An orchestrator version as Microsoft.DurableTask spells it. Versions are plain strings here; this type converts
/// to and from <see cref="string"/> so code that builds a <see cref="TaskVersion"/> compiles unchanged.
/// </summary>
public readonly record struct TaskVersion(string? Value)
{
    /// <summary>No version (the empty string).</summary>
    public static readonly TaskVersion Unversioned = default;

    public string Version => Value ?? string.Empty;

    public static implicit operator string(TaskVersion version) => version.Version;

    public static implicit operator TaskVersion(string? version) => new(version);

    public override string ToString() => Version;
}
