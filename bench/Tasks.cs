using Governance.Durable;

namespace Governance.Bench;

public sealed class SayHello : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"Hello {input}!");
}

public sealed class UtcNowActivity : TaskActivity<object?, DateTime>
{
    public override Task<DateTime> RunAsync(TaskActivityContext context, object? input) => Task.FromResult(DateTime.UtcNow);
}

/// <summary>One activity, for start→completion latency.</summary>
public sealed class OneActivity : TaskOrchestrator<object?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        => context.CallActivityAsync<string>(nameof(SayHello), "Beijing");
}

/// <summary>HelloCities: five sequential SayHello activities (24 history events).</summary>
public sealed class HelloCities5 : TaskOrchestrator<object?, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var results = new List<string>();
        foreach (string city in new[] { "Beijing", "Nanjing", "Xiamen", "Nantong", "Jingmen" })
        {
            results.Add(await context.CallActivityAsync<string>(nameof(SayHello), city));
        }

        return results;
    }
}

/// <summary>N sequential activities: (N + 1) × 4 history events (N = 30 → 124, N = 249 → 1,000).</summary>
public sealed class Chain : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
    {
        for (int i = 0; i < input; i++)
        {
            await context.CallActivityAsync<string>(nameof(SayHello), "x");
        }

        return input;
    }
}

public sealed record TimerProbeResult(DateTime DueAt, DateTime FiredStepAt, DateTime ActivityAt);

/// <summary>A durable timer <c>input</c> seconds ahead; reports when the TimerFired step ran and when the next activity ran.</summary>
public sealed class TimerProbe : TaskOrchestrator<double, TimerProbeResult>
{
    public override async Task<TimerProbeResult> RunAsync(TaskOrchestrationContext context, double input)
    {
        DateTime due = context.CurrentUtcDateTime.AddSeconds(input);
        await context.CreateTimer(due, CancellationToken.None);
        DateTime fired = context.CurrentUtcDateTime; // OrchestratorStarted timestamp of the step that processed TimerFired
        DateTime activityAt = await context.CallActivityAsync<DateTime>(nameof(UtcNowActivity));
        return new TimerProbeResult(due, fired, activityAt);
    }
}

/// <summary>Waits for the "go" external event, then completes.</summary>
public sealed class WaitForGo : TaskOrchestrator<object?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        => context.WaitForExternalEvent<string>("go");
}

public sealed class EchoGuid : TaskActivity<Guid, Guid>
{
    public override Task<Guid> RunAsync(TaskActivityContext context, Guid input) => Task.FromResult(input);
}

/// <summary>
/// Replay-determinism probe: NewGuid() and CurrentUtcDateTime must give the same values when the step is replayed.
/// The activity echoes the GUID of the live run; once "go" arrives after a reload, the replayed orchestrator compares
/// it with the GUID it computes on replay.
/// </summary>
public sealed class ReplayProbe : TaskOrchestrator<object?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        Guid g = context.NewGuid();
        DateTime t = context.CurrentUtcDateTime;
        Guid echoed = await context.CallActivityAsync<Guid>(nameof(EchoGuid), g);
        await context.WaitForExternalEvent<string>("go"); // the instance goes quiet here; "go" is handled after a reload, i.e. a replay
        return echoed == g ? "consistent" : $"mismatch: NewGuid() live {echoed} vs replay {g}; first-step CurrentUtcDateTime on replay {t:O}";
    }
}
