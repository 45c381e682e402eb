using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

public sealed class WithSchedulesTests
{
    // Invented for the test: the real 2027 notice is not part of the embedded data.
    private static readonly HolidaySchedule Hypothetical2027 = new(
        2027,
        "test data, not the real 2027 notice",
        [
            new Holiday("元旦", "New Year's Day", new DateOnly(2026, 12, 31), new DateOnly(2027, 1, 2)),
            new Holiday("春节", "Spring Festival", new DateOnly(2027, 2, 5), new DateOnly(2027, 2, 12)),
        ],
        [new DateOnly(2027, 2, 14)]);

    [Fact]
    public void Adding_a_2027_schedule_makes_its_holidays_count_and_clears_the_missing_year()
    {
        var calendar = WorkingDayCalendar.China.WithSchedules([Hypothetical2027]);

        Assert.Equal(new[] { 2025, 2026, 2027 }, calendar.Years);
        Assert.Equal(DayKind.Holiday, calendar.KindOf(new DateOnly(2027, 2, 8)));
        Assert.Equal(DayKind.MakeUpWorkday, calendar.KindOf(new DateOnly(2027, 2, 14)));
        Assert.Empty(calendar.MissingYears(new DateOnly(2026, 11, 1), new DateOnly(2027, 3, 1)));
        // Friday 2027-02-04 + 1 skips the 8-day holiday, then lands on the make-up Sunday.
        Assert.Equal(new DateOnly(2027, 2, 14), calendar.AddWorkingDays(new DateOnly(2027, 2, 4), 1));
    }

    [Fact]
    public void A_holiday_spilling_into_the_previous_year_is_honoured()
    {
        var calendar = WorkingDayCalendar.China.WithSchedules([Hypothetical2027]);

        Assert.Equal("元旦", calendar.HolidayNameOf(new DateOnly(2026, 12, 31)));
        Assert.True(WorkingDayCalendar.China.IsWorkingDay(new DateOnly(2026, 12, 31)));
    }

    [Fact]
    public void The_original_calendar_is_not_changed()
    {
        _ = WorkingDayCalendar.China.WithSchedules([Hypothetical2027]);

        Assert.False(WorkingDayCalendar.China.HasSchedule(2027));
        Assert.Equal(DayKind.WorkingDay, WorkingDayCalendar.China.KindOf(new DateOnly(2027, 2, 11))); // off in the test notice, not in the provisional year
    }

    [Fact]
    public void A_newer_schedule_for_a_loaded_year_replaces_the_old_one()
    {
        // e.g. a corrected notice: 2026 with only a one-day holiday on 2026-03-02.
        var corrected = new HolidaySchedule(
            2026,
            "corrected",
            [new Holiday("测试", "Test", new DateOnly(2026, 3, 2), new DateOnly(2026, 3, 2))],
            []);

        var calendar = WorkingDayCalendar.China.WithSchedules([corrected]);

        Assert.Equal("corrected", calendar.ScheduleFor(2026)!.Source);
        Assert.Equal(DayKind.Holiday, calendar.KindOf(new DateOnly(2026, 3, 2)));
        Assert.Equal(DayKind.WorkingDay, calendar.KindOf(new DateOnly(2026, 2, 16)));
        Assert.Equal(DayKind.Weekend, calendar.KindOf(new DateOnly(2026, 2, 14)));
        Assert.Equal(DayKind.Holiday, calendar.KindOf(new DateOnly(2025, 10, 1))); // other years untouched
    }

    [Fact]
    public void An_invalid_schedule_from_configuration_is_refused_naming_year_and_field()
    {
        var broken = Hypothetical2027 with { MakeUpWorkdays = [new DateOnly(2027, 2, 15)] }; // a Monday

        var ex = Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.China.WithSchedules([broken]));

        Assert.Equal("schedules[0] (2027).makeUpWorkdays[0]", ex.Field);
        Assert.Contains("Monday", ex.Message);
    }
}
