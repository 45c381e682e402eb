namespace Governance.Workflows.JointCommittee;

/// <summary>
/// Runs publicity periods one after another: they share the Objection step, which only one period may hold open at
/// a time. Orchestrator-safe: it only chains awaits, never schedules work on another thread.
/// </summary>
internal sealed class PublicityQueue
{
    public Task Last { get; private set; } = Task.CompletedTask;

    public Task<T> Enqueue<T>(Func<Task<T>> work)
    {
        var next = RunAfter(Last, work);
        Last = next;
        return next;
    }

    private static async Task<T> RunAfter<T>(Task previous, Func<Task<T>> work)
    {
        await previous;
        return await work();
    }
}
