namespace Governance.Workflows.Catalog;

/// <summary>
/// A scripted run of a process with realistic data from the sources, used by the service's demo mode
/// (accelerated clock). Each process folder contributes one; the service runs them all.
/// </summary>
public interface IDemoScenario
{
    string Name { get; }

    /// <summary>How long the scenario may take in real time; a process that runs a whole simulated year needs longer.</summary>
    TimeSpan Timeout => TimeSpan.FromMinutes(10);

    Task RunAsync(IDemoDriver driver, CancellationToken cancellationToken);
}

/// <summary>What a demo scenario may do; implemented by the service against its own HTTP API.</summary>
public interface IDemoDriver
{
    /// <summary>Starts a workflow from the catalog; returns the instance id.</summary>
    Task<string> StartAsync(string workflowName, object input, string? instanceId, CancellationToken cancellationToken);

    /// <summary>Waits until the instance is waiting for <paramref name="eventName"/> (or has finished, which throws).</summary>
    Task WaitForStepAsync(string instanceId, string eventName, CancellationToken cancellationToken);

    /// <summary>
    /// Submits a human step's result as the named actor. <paramref name="stepToken"/> (e.g. <c>ProgressReported#2</c>)
    /// pins the occurrence, so a submission can never be taken by a later occurrence of the same step.
    /// </summary>
    Task SubmitAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken, string? stepToken = null);

    /// <summary>Waits until the instance has completed, failed or been terminated.</summary>
    Task WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Writes a line of narration to the demo's output.</summary>
    void Say(string line);
}
