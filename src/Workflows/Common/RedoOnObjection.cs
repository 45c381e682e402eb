namespace Governance.Workflows.Common;

/// <summary>A result that passed its publicity, with every objection ruled on along the way (those of redone attempts too).</summary>
public sealed record Publicised<T>(T Result, PublicityOutcome Publicity, IReadOnlyList<ObjectionRecord> Objections, int Attempts);

/// <summary>
/// The common shape "produce a result, post it (公示), redo it when an objection is upheld". Orchestrator-side and
/// replay-safe: it only awaits the tasks its callers schedule, in order, so each attempt replays the same way. The
/// process keeps its own events and rules in <c>produce</c>; an upheld objection simply calls <c>produce</c> again.
/// </summary>
public static class RedoOnObjection
{
    /// <summary>Posts each result with <see cref="Publicity.RunAsync"/> as <paramref name="describe"/> says.</summary>
    /// <param name="onUpheld">What the process notes before redoing (e.g. a stage or a log line); the rejected result is given.</param>
    public static Task<Publicised<T>> RunAsync<T>(ProcessTracker tracker, Func<Task<T>> produce, Func<T, PublicitySpec> describe, Action<T>? onUpheld = null)
        => RunAsync(produce, result => Publicity.RunAsync(tracker, describe(result)), onUpheld);

    /// <summary>As above, with the publicity run by <paramref name="publicise"/> (e.g. queued behind another period).</summary>
    public static async Task<Publicised<T>> RunAsync<T>(Func<Task<T>> produce, Func<T, Task<PublicityOutcome>> publicise, Action<T>? onUpheld = null)
    {
        var objections = new List<ObjectionRecord>();
        for (int attempt = 1; ; attempt++)
        {
            T result = await produce();
            PublicityOutcome outcome = await publicise(result);
            objections.AddRange(outcome.Objections);
            if (!outcome.Upheld)
            {
                return new Publicised<T>(result, outcome, objections, attempt);
            }

            onUpheld?.Invoke(result);
        }
    }
}
