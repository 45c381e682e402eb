using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

/// <summary>The embedded 2025/2026 data, checked against the State Council notices day by day.</summary>
public sealed class ChinaHolidayDataTests
{
    private static readonly WorkingDayCalendar China = WorkingDayCalendar.China;

    [Fact]
    public void Embedded_calendar_holds_2025_and_2026_with_their_sources()
    {
        Assert.Equal(new[] { 2025, 2026 }, China.Years);
        Assert.Contains("2025年部分节假日安排", China.ScheduleFor(2025)!.Source);
        Assert.Contains("2026年部分节假日安排", China.ScheduleFor(2026)!.Source);
    }

    [Theory]
    [InlineData("2026-02-14")] // Saturday before 春节
    [InlineData("2026-02-28")] // Saturday after 春节
    [InlineData("2026-01-04")] // Sunday after 元旦
    [InlineData("2026-05-09")]
    [InlineData("2026-09-20")]
    [InlineData("2026-10-10")]
    [InlineData("2025-01-26")]
    [InlineData("2025-02-08")]
    [InlineData("2025-04-27")]
    [InlineData("2025-09-28")] // Sunday before 国庆
    [InlineData("2025-10-11")]
    public void Make_up_weekend_days_are_working_days(string date)
    {
        var day = DateOnly.Parse(date);

        Assert.True(day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday, "the test data should be a weekend day");
        Assert.Equal(DayKind.MakeUpWorkday, China.KindOf(day));
        Assert.True(China.IsWorkingDay(day));
        Assert.Null(China.HolidayNameOf(day));
    }

    [Fact]
    public void National_Day_2025_is_off_from_1_to_8_October_including_its_weekdays()
    {
        for (var day = new DateOnly(2025, 10, 1); day <= new DateOnly(2025, 10, 8); day = day.AddDays(1))
        {
            Assert.Equal(DayKind.Holiday, China.KindOf(day));
            Assert.False(China.IsWorkingDay(day), $"{day} should be off");
            Assert.Equal("国庆节、中秋节", China.HolidayNameOf(day));
        }

        Assert.Equal(DayKind.WorkingDay, China.KindOf(new DateOnly(2025, 9, 30)));
        Assert.Equal(DayKind.WorkingDay, China.KindOf(new DateOnly(2025, 10, 9)));
    }

    [Fact]
    public void Spring_Festival_2026_runs_from_15_to_23_February()
    {
        Assert.Equal(DayKind.Holiday, China.KindOf(new DateOnly(2026, 2, 15))); // a Sunday, absorbed into the holiday
        Assert.Equal(DayKind.Holiday, China.KindOf(new DateOnly(2026, 2, 23))); // a Monday
        Assert.Equal("春节", China.HolidayNameOf(new DateOnly(2026, 2, 18)));
        Assert.Equal("Spring Festival", China.HolidayOf(new DateOnly(2026, 2, 18))!.NameEn);
        Assert.True(China.IsWorkingDay(new DateOnly(2026, 2, 24)));
    }

    [Fact]
    public void Ordinary_days_keep_their_weekday_meaning()
    {
        Assert.Equal(DayKind.WorkingDay, China.KindOf(new DateOnly(2026, 3, 10))); // Tuesday
        Assert.Equal(DayKind.Weekend, China.KindOf(new DateOnly(2026, 3, 14)));    // Saturday
        Assert.Null(China.HolidayNameOf(new DateOnly(2026, 3, 14)));
    }

    [Theory]
    [InlineData(2025, 248)]
    [InlineData(2026, 248)]
    public void Each_year_has_the_expected_number_of_working_days(int year, int expected)
    {
        // 261 weekdays, minus the weekdays inside holidays, plus the make-up weekend days (computed independently).
        var count = China.CountWorkingDays(new DateOnly(year - 1, 12, 31), new DateOnly(year, 12, 31));

        Assert.Equal(expected, count);
    }
}
