namespace Governance.Domain.Calendar;

/// <summary>
/// China Standard Time (北京时间): UTC+8 all year, no daylight saving since 1991, so a fixed offset is exact
/// and we need no time-zone database (whose IDs differ between Windows and Linux anyway).
/// </summary>
public static class ChinaTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(8);

    /// <summary>The calendar date in China at <paramref name="instant"/>.</summary>
    public static DateOnly ToChinaDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>Today's date in China according to <paramref name="clock"/>.</summary>
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return ToChinaDate(clock.GetUtcNow());
    }

    /// <summary>00:00 China time on <paramref name="date"/>, with offset +08:00.</summary>
    public static DateTimeOffset StartOfDay(DateOnly date) => At(date, TimeOnly.MinValue);

    /// <summary>
    /// The last instant (last tick, 23:59:59.9999999) of <paramref name="date"/> in China, with offset +08:00:
    /// something due "by <paramref name="date"/>" is on time at any instant &lt;= this.
    /// </summary>
    public static DateTimeOffset EndOfDay(DateOnly date) => At(date, TimeOnly.MaxValue);

    /// <summary><paramref name="time"/> China time on <paramref name="date"/>, with offset +08:00.</summary>
    public static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), Offset);
}
