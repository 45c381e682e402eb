using Governance.Domain.Calendar;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Domain.Tests.Calendar;

public sealed class ChinaTimeTests
{
    [Fact]
    public void Midnight_in_Beijing_is_16_00_UTC_the_day_before()
    {
        Assert.Equal(new DateOnly(2026, 2, 16), ChinaTime.ToChinaDate(new DateTimeOffset(2026, 2, 16, 15, 59, 59, TimeSpan.Zero)));
        Assert.Equal(new DateOnly(2026, 2, 17), ChinaTime.ToChinaDate(new DateTimeOffset(2026, 2, 16, 16, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void The_input_offset_does_not_matter_only_the_instant()
    {
        // 09:00 in Berlin (UTC+1) in winter is 16:00 in Beijing, same day; 20:00 in New York (UTC-5) is already tomorrow there.
        Assert.Equal(new DateOnly(2026, 1, 5), ChinaTime.ToChinaDate(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(1))));
        Assert.Equal(new DateOnly(2026, 1, 6), ChinaTime.ToChinaDate(new DateTimeOffset(2026, 1, 5, 20, 0, 0, TimeSpan.FromHours(-5))));
    }

    [Fact]
    public void Start_and_end_of_day_are_plus_eight_instants_one_tick_apart_across_midnight()
    {
        var start = ChinaTime.StartOfDay(new DateOnly(2026, 2, 17));
        var end = ChinaTime.EndOfDay(new DateOnly(2026, 2, 16));

        Assert.Equal(TimeSpan.FromHours(8), start.Offset);
        Assert.Equal(new DateTimeOffset(2026, 2, 16, 16, 0, 0, TimeSpan.Zero), start);
        Assert.Equal(start.AddTicks(-1), end);
        Assert.Equal(new DateOnly(2026, 2, 16), ChinaTime.ToChinaDate(end));
    }

    [Fact]
    public void At_places_a_local_time_on_a_China_date()
    {
        var meeting = ChinaTime.At(new DateOnly(2026, 3, 2), new TimeOnly(9, 30));

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.Zero), meeting);
        Assert.Equal(TimeSpan.FromHours(8), meeting.Offset);
    }

    [Fact]
    public void Today_reads_the_injected_clock_in_China_time()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 12, 31, 17, 0, 0, TimeSpan.Zero));

        Assert.Equal(new DateOnly(2026, 1, 1), ChinaTime.Today(clock));
    }
}
