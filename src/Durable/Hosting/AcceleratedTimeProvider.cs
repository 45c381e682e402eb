namespace Governance.Durable;

/// <summary>
/// A clock that runs <see cref="Rate"/> times faster than <paramref name="inner"/> from the moment it is created
/// (for demos: 86,400 makes a simulated day pass each real second). Timers created through it are scaled too,
/// so durable timers, due dates and reminders all follow simulated time.
/// </summary>
public sealed class AcceleratedTimeProvider : TimeProvider
{
    private readonly TimeProvider inner;
    private readonly long startTimestamp;
    private readonly DateTimeOffset simulatedStart;

    public AcceleratedTimeProvider(TimeProvider inner, double rate, DateTimeOffset? simulatedStart = null)
    {
        if (rate <= 0 || double.IsNaN(rate) || double.IsInfinity(rate))
        {
            throw new ArgumentOutOfRangeException(nameof(rate), "The clock rate must be a positive number.");
        }

        this.inner = inner;
        Rate = rate;
        startTimestamp = inner.GetTimestamp();
        this.simulatedStart = simulatedStart ?? inner.GetUtcNow();
    }

    public double Rate { get; }

    /// <summary>
    /// Measured on the monotonic timestamp, not the wall clock: a correction of the machine's clock (NTP stepping it
    /// back a second) would otherwise move simulated time back a day at the demo rate.
    /// </summary>
    public override DateTimeOffset GetUtcNow() => simulatedStart + inner.GetElapsedTime(startTimestamp) * Rate;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => inner.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : span / Rate;
}
