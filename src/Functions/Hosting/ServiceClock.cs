using Governance.Domain.Calendar;
using Governance.Durable;

namespace Governance.Functions.Hosting;

/// <summary>
/// The service's clock. Real time when governance.clockRate is 1 and governance.clockStart is not set; otherwise a
/// simulated clock (<see cref="AcceleratedTimeProvider"/>) that starts at clockStart or where the previous run of
/// this task hub stopped (<see cref="ClockStart"/>), and whose progress <see cref="SimulatedClockKeeper"/> records.
/// </summary>
public sealed class ServiceClock
{
    /// <summary>
    /// Real time the recorded high-water mark is kept ahead of the clock, to cover a crash between writes: more than
    /// <see cref="SimulatedClockKeeper.Interval"/>.
    /// </summary>
    public static readonly TimeSpan Reserve = TimeSpan.FromSeconds(30);

    private ServiceClock(TimeProvider clock, double rate, ClockStartDecision? start, DateTimeOffset? configuredStart, SimulatedClockStore? store)
    {
        Clock = clock;
        Rate = rate;
        Start = start;
        ConfiguredStart = configuredStart;
        Store = store;
    }

    public TimeProvider Clock { get; }

    public double Rate { get; }

    /// <summary>Null for real time.</summary>
    public ClockStartDecision? Start { get; }

    public DateTimeOffset? ConfiguredStart { get; }

    /// <summary>Where the simulated clock's progress is kept; null for real time.</summary>
    public SimulatedClockStore? Store { get; }

    public static ServiceClock Create(ServiceSettings settings, bool demo, TimeProvider real)
    {
        double rate = demo ? settings.DemoClockRate : settings.ClockRate;
        if (rate == 1 && settings.ClockStart is null)
        {
            return new ServiceClock(real, 1, null, null, null);
        }

        var store = new SimulatedClockStore(settings.ConnectionString, settings.HubName);
        SimulatedClockState? previous;
        try
        {
            previous = store.Read();
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or AggregateException or TimeoutException or System.Net.Http.HttpRequestException)
        {
            throw new InvalidOperationException($"The simulated clock's state could not be read from table {store.TableName}: {ex.Message}", ex);
        }

        var start = ClockStart.Decide(settings.ClockStart, previous, real.GetUtcNow());
        var clock = new AcceleratedTimeProvider(real, rate, start.Start);
        var serviceClock = new ServiceClock(clock, rate, start, settings.ClockStart, store);
        store.Write(serviceClock.HighWaterMark());
        return serviceClock;
    }

    /// <summary>The state to record while running: the clock plus <see cref="Reserve"/> (scaled by the rate).</summary>
    public SimulatedClockState HighWaterMark() => new(Clock.GetUtcNow() + (Reserve * Rate), ConfiguredStart);

    /// <summary>The state to record when stopping: exactly where the clock is.</summary>
    public SimulatedClockState StoppedAt() => new(Clock.GetUtcNow(), ConfiguredStart);

    /// <summary>One line for the start-up log and /healthz.</summary>
    public string Describe()
    {
        var now = Clock.GetUtcNow().ToOffset(ChinaTime.Offset);
        return Start is null
            ? $"Real time: {now:yyyy-MM-dd HH:mm:ss} China time."
            : $"Simulated time: {now:yyyy-MM-dd HH:mm:ss} China time (rate {Rate:0.###}; started at {Start.Start.ToOffset(ChinaTime.Offset):yyyy-MM-dd'T'HH:mm:ssK}, from {Start.Origin}).";
    }
}
