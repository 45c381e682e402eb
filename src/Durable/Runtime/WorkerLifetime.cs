namespace Governance.Durable.Runtime;

/// <summary>
/// Whether this host's worker runs, was stopped, or crashed (the test hook for a killed process). Every loop of the
/// worker reads it: a crashed host must stop touching storage and in-memory state at once.
/// </summary>
internal sealed class WorkerLifetime
{
    private CancellationTokenSource stopping = new();
    private volatile bool crashed;

    /// <summary>Cancelled when the worker stops or crashes.</summary>
    public CancellationToken Token => stopping.Token;

    public bool IsStopping => stopping.IsCancellationRequested;

    public bool IsCrashed => crashed;

    public void Start()
    {
        stopping = new CancellationTokenSource();
        crashed = false;
    }

    public void Stop() => stopping.Cancel();

    public void Crash()
    {
        crashed = true;
        stopping.Cancel();
    }
}
