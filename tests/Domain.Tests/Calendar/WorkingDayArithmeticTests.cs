using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

public sealed class WorkingDayArithmeticTests
{
    private static readonly WorkingDayCalendar China = WorkingDayCalendar.China;

    [Fact]
    public void Five_working_day_publicity_posted_on_the_Friday_before_Spring_Festival_ends_two_weeks_later()
    {
        // Posted Fri 2026-02-13 (not counted); counts Sat 02-14 (调休), then 02-24..02-27 after the holiday.
        var end = China.AddWorkingDays(new DateOnly(2026, 2, 13), 5);

        Assert.Equal(new DateOnly(2026, 2, 27), end);
        Assert.Equal(new DateOnly(2026, 2, 20), WorkingDayCalendar.WeekendsOnly.AddWorkingDays(new DateOnly(2026, 2, 13), 5));
    }

    [Fact]
    public void Adding_zero_working_days_stays_on_a_working_day_and_moves_off_a_holiday()
    {
        Assert.Equal(new DateOnly(2025, 10, 10), China.AddWorkingDays(new DateOnly(2025, 10, 10), 0));
        Assert.Equal(new DateOnly(2025, 10, 9), China.AddWorkingDays(new DateOnly(2025, 10, 3), 0));
    }

    [Fact]
    public void Negative_working_days_go_backwards_across_the_National_Day_holiday_and_its_make_up_Sunday()
    {
        var firstDayBack = new DateOnly(2025, 10, 9);

        Assert.Equal(new DateOnly(2025, 9, 30), China.AddWorkingDays(firstDayBack, -1));
        Assert.Equal(new DateOnly(2025, 9, 28), China.AddWorkingDays(firstDayBack, -3)); // Sunday, but 调休
        Assert.Equal(new DateOnly(2025, 9, 26), China.AddWorkingDays(firstDayBack, -4)); // skips Sat 09-27
    }

    [Fact]
    public void Counting_working_days_across_National_Day_2025_counts_only_make_up_and_ordinary_days()
    {
        // (Fri 09-26, Sun 10-12]: 09-28 (调休), 09-29, 09-30, 10-09, 10-10, 10-11 (调休).
        Assert.Equal(6, China.CountWorkingDays(new DateOnly(2025, 9, 26), new DateOnly(2025, 10, 12)));
        Assert.Equal(-6, China.CountWorkingDays(new DateOnly(2025, 10, 12), new DateOnly(2025, 9, 26)));
        Assert.Equal(0, China.CountWorkingDays(new DateOnly(2025, 9, 30), new DateOnly(2025, 10, 8)));
    }

    [Theory]
    [InlineData("2026-02-13", 5)]
    [InlineData("2025-09-26", 7)]
    [InlineData("2026-09-18", 12)]
    [InlineData("2026-10-12", -8)]
    public void Counting_undoes_adding(string start, int workingDays)
    {
        var from = DateOnly.Parse(start);
        var to = China.AddWorkingDays(from, workingDays);

        Assert.Equal(workingDays, China.CountWorkingDays(from, to));
    }

    [Fact]
    public void Next_working_day_skips_the_whole_holiday_and_keeps_a_working_day()
    {
        Assert.Equal(new DateOnly(2026, 2, 24), China.NextWorkingDayOnOrAfter(new DateOnly(2026, 2, 15)));
        Assert.Equal(new DateOnly(2026, 2, 14), China.NextWorkingDayOnOrAfter(new DateOnly(2026, 2, 14)));
    }

    [Theory]
    [InlineData(10_001)]
    [InlineData(-10_001)]
    [InlineData(int.MinValue)]
    public void Absurd_working_day_counts_are_refused_with_a_clear_message(int workingDays)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => China.AddWorkingDays(new DateOnly(2026, 1, 5), workingDays));

        Assert.Equal("workingDays", ex.ParamName);
        Assert.Contains("10000", ex.Message);
    }

    [Fact]
    public void The_largest_allowed_count_still_works()
    {
        var start = new DateOnly(2026, 1, 5);

        var end = China.AddWorkingDays(start, WorkingDayCalendar.MaxWorkingDaysPerCall);

        Assert.Equal(WorkingDayCalendar.MaxWorkingDaysPerCall, China.CountWorkingDays(start, end));
    }
}
