using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

/// <summary>The festivals' statutory days as the regulation and the lunar calendar give them.</summary>
public sealed class StatutoryHolidayTests
{
    [Fact]
    public void The_2027_festivals_fall_on_the_dates_of_the_lunar_calendar_and_the_regulation()
    {
        var festivals = StatutoryHolidays.For(2027).ToDictionary(f => f.NameEn, f => f.Days);

        Assert.Equal([D("2027-01-01")], festivals["New Year's Day"]);
        // Lunar New Year is Saturday 6 February 2027: New Year's Eve to the 3rd day of the 1st month.
        Assert.Equal([D("2027-02-05"), D("2027-02-06"), D("2027-02-07"), D("2027-02-08")], festivals["Spring Festival"]);
        Assert.Equal([D("2027-04-05")], festivals["Qingming Festival"]);
        Assert.Equal([D("2027-05-01"), D("2027-05-02")], festivals["Labour Day"]);
        Assert.Equal([D("2027-06-09")], festivals["Dragon Boat Festival"]); // 5th day of the 5th lunar month
        Assert.Equal([D("2027-09-15")], festivals["Mid-Autumn Festival"]); // 15th day of the 8th lunar month
        Assert.Equal([D("2027-10-01"), D("2027-10-02"), D("2027-10-03")], festivals["National Day"]);
        Assert.Equal(13, festivals.Values.Sum(days => days.Count)); // 13 statutory days since the 2025 revision
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void Every_statutory_day_lies_in_the_published_notice_under_the_festival_s_name(int year)
    {
        var notice = WorkingDayCalendar.WeekendsOnly.WithSchedules([WorkingDayCalendar.China.ScheduleFor(year)!]);

        foreach (var festival in StatutoryHolidays.For(year))
        {
            foreach (var day in festival.Days)
            {
                var published = notice.HolidayOf(day);
                Assert.True(published is not null, $"{festival.Name} {day} is not a holiday in the {year} notice");
                Assert.Contains(festival.Name, published!.Name);
            }
        }
    }

    [Theory]
    [InlineData(2025)]
    [InlineData(2026)]
    public void Every_holiday_period_of_the_published_notice_contains_a_computed_statutory_day(int year)
    {
        var statutory = StatutoryHolidays.For(year).SelectMany(f => f.Days.Select(day => (day, f.Name))).ToList();

        foreach (var period in WorkingDayCalendar.China.ScheduleFor(year)!.Holidays)
        {
            Assert.Contains(statutory, s => s.day >= period.From && s.day <= period.To && period.Name.Contains(s.Name));
        }
    }

    [Theory]
    [InlineData(2020, "2020-06-25", "2020-10-01")] // leap 4th month: 端午 falls after it
    [InlineData(2023, "2023-06-22", "2023-09-29")] // leap 2nd month
    [InlineData(2025, "2025-05-31", "2025-10-06")] // leap 6th month: 中秋 falls after it
    [InlineData(2026, "2026-06-19", "2026-09-25")]
    public void Lunar_festivals_account_for_leap_months(int year, string dragonBoat, string midAutumn)
    {
        var festivals = StatutoryHolidays.For(year).ToDictionary(f => f.NameEn, f => f.Days);

        Assert.Equal([D(dragonBoat)], festivals["Dragon Boat Festival"]);
        Assert.Equal([D(midAutumn)], festivals["Mid-Autumn Festival"]);
    }

    [Fact]
    public void Years_the_lunar_calendar_does_not_cover_are_refused()
    {
        Assert.False(StatutoryHolidays.Supports(1900));
        Assert.True(StatutoryHolidays.Supports(2100));
        Assert.False(StatutoryHolidays.Supports(2101));
        Assert.Throws<ArgumentOutOfRangeException>(() => StatutoryHolidays.For(2101));
    }

    private static DateOnly D(string date) => DateOnly.Parse(date);
}
