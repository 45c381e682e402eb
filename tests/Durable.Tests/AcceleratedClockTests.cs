namespace Governance.Durable.Tests;

public sealed class AcceleratedClockTests
{
    /// <summary>A machine clock that NTP may step while the monotonic timestamp only moves forward.</summary>
    private sealed class SteppedClock : TimeProvider
    {
        public DateTimeOffset Wall { get; set; } = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public long Ticks { get; set; }

        public override DateTimeOffset GetUtcNow() => Wall;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Ticks;
    }

    [Fact]
    public void Simulated_time_follows_elapsed_time_and_never_goes_back_when_the_wall_clock_is_stepped()
    {
        var machine = new SteppedClock();
        var clock = new AcceleratedTimeProvider(machine, 86_400, new DateTimeOffset(2026, 2, 13, 2, 0, 0, TimeSpan.Zero));

        machine.Ticks += TimeSpan.TicksPerSecond; // one real second passes...
        machine.Wall -= TimeSpan.FromSeconds(1); // ...while NTP steps the wall clock back by one

        Assert.Equal(new DateTimeOffset(2026, 2, 14, 2, 0, 0, TimeSpan.Zero), clock.GetUtcNow());
    }
}
