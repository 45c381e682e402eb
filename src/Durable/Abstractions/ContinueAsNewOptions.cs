namespace Governance.Durable;

/// <summary>How an instance continues as new (Microsoft.DurableTask shape).</summary>
public class ContinueAsNewOptions
{
    /// <summary>The input of the next execution.</summary>
    public object? NewInput { get; set; }

    /// <summary>Carry external events that arrived but were not awaited into the next execution.</summary>
    public bool PreserveUnprocessedEvents { get; set; } = true;

    /// <summary>The orchestrator version the next execution runs as; null or empty keeps the current version.</summary>
    public string? NewVersion { get; set; }

    /// <summary>
    /// Governance addition: the next execution's search tags (e.g. a yearly process's <c>year</c>), replacing the
    /// current ones; null keeps them. Invalid tags fail the orchestration as any orchestrator error does.
    /// </summary>
    public IReadOnlyDictionary<string, string>? NewTags { get; set; }
}
