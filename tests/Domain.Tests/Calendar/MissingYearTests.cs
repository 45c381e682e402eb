using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

public sealed class MissingYearTests
{
    private static readonly WorkingDayCalendar China = WorkingDayCalendar.China;

    [Fact]
    public void A_year_without_a_notice_is_counted_with_its_provisional_schedule()
    {
        // 2027-01-01 (Friday) is 元旦 by the regulation even before the 2027 notice exists.
        Assert.False(China.HasSchedule(2027));
        Assert.Equal(DayKind.Holiday, China.KindOf(new DateOnly(2027, 1, 1)));
        Assert.Equal(DayKind.Weekend, China.KindOf(new DateOnly(2027, 1, 2)));
        Assert.Equal(new DateOnly(2027, 1, 4), China.AddWorkingDays(new DateOnly(2026, 12, 31), 1));
    }

    [Fact]
    public void A_calendar_without_provisional_years_falls_back_to_weekends_only()
    {
        var noticesOnly = WorkingDayCalendar.WeekendsOnly.WithSchedules([China.ScheduleFor(2026)!]);

        Assert.False(noticesOnly.UsesProvisionalYears);
        Assert.Equal(DayKind.WorkingDay, noticesOnly.KindOf(new DateOnly(2027, 1, 1)));
        Assert.Null(noticesOnly.EffectiveScheduleFor(2027));
    }

    [Fact]
    public void Missing_years_are_reported_for_the_range_touched()
    {
        Assert.Equal(new[] { 2027 }, China.MissingYears(new DateOnly(2026, 12, 1), new DateOnly(2027, 1, 31)));
        Assert.Equal(new[] { 2024 }, China.MissingYears(new DateOnly(2025, 1, 2), new DateOnly(2024, 12, 30))); // either order
        Assert.Equal(new[] { 2027, 2028 }, China.MissingYears(new DateOnly(2026, 6, 1), new DateOnly(2028, 1, 1)));
    }

    [Fact]
    public void No_years_are_missing_inside_the_loaded_range()
    {
        Assert.Empty(China.MissingYears(new DateOnly(2025, 3, 1), new DateOnly(2026, 12, 31)));
    }
}
