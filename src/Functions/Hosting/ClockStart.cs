namespace Governance.Functions.Hosting;

/// <summary>Where a simulated clock starts, and why (shown at start-up and in /healthz).</summary>
public sealed record ClockStartDecision(DateTimeOffset Start, string Origin, string? Warning);

/// <summary>
/// Chooses the start of a simulated clock so it never goes back: not before the instant the previous run may have
/// reached (instances have history up to it), a changed governance.clockStart only moves it forward.
/// </summary>
public static class ClockStart
{
    public static ClockStartDecision Decide(DateTimeOffset? configured, SimulatedClockState? previous, DateTimeOffset realNow)
    {
        if (previous is null)
        {
            return configured is { } first
                ? new(first, $"governance.clockStart {first:yyyy-MM-dd'T'HH:mm:ssK}", null)
                : new(realNow, "the real time", null);
        }

        if (configured is { } start && start != previous.ConfiguredStart)
        {
            if (start >= previous.SimulatedUtc)
            {
                return new(start, $"governance.clockStart {start:yyyy-MM-dd'T'HH:mm:ssK} (changed; later than the previous run)", null);
            }

            return new(previous.SimulatedUtc, "where the previous run stopped",
                $"governance.clockStart {start:yyyy-MM-dd'T'HH:mm:ssK} is before the simulated time the previous run reached " +
                $"({previous.SimulatedUtc.ToOffset(Governance.Domain.Calendar.ChinaTime.Offset):yyyy-MM-dd'T'HH:mm:ssK}); the clock continues from there because it never goes back. " +
                "Use a new task hub (extensions.durableTask.hubName) to run an earlier period.");
        }

        if (configured is null && realNow > previous.SimulatedUtc)
        {
            return new(realNow, "the real time (later than where the previous run stopped)", null);
        }

        return new(previous.SimulatedUtc, "where the previous run stopped", null);
    }
}
