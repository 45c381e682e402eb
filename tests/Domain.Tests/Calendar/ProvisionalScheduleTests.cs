using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

/// <summary>A year without a notice: statutory days, 补假 for those on a weekend, no 调休.</summary>
public sealed class ProvisionalScheduleTests
{
    private static readonly WorkingDayCalendar China = WorkingDayCalendar.China;

    [Fact]
    public void The_2027_provisional_periods_add_compensatory_days_for_weekend_holidays()
    {
        var schedule = ProvisionalSchedule.For(2027)!;

        Assert.True(schedule.Provisional);
        Assert.Empty(schedule.MakeUpWorkdays);
        Assert.Equal(
            new[]
            {
                ("元旦", "2027-01-01", "2027-01-01"),
                ("春节", "2027-02-05", "2027-02-10"), // Sat 6 + Sun 7 compensated on Tue 9 + Wed 10
                ("清明节", "2027-04-05", "2027-04-05"),
                ("劳动节", "2027-05-01", "2027-05-04"), // Sat 1 + Sun 2 compensated on Mon 3 + Tue 4
                ("端午节", "2027-06-09", "2027-06-09"),
                ("中秋节", "2027-09-15", "2027-09-15"),
                ("国庆节", "2027-10-01", "2027-10-05"), // Sat 2 + Sun 3 compensated on Mon 4 + Tue 5
            },
            schedule.Holidays.Select(h => (h.Name, h.From.ToString("yyyy-MM-dd"), h.To.ToString("yyyy-MM-dd"))).ToArray());
    }

    [Fact]
    public void Three_working_days_after_3_February_2027_is_12_February_and_provisional()
    {
        var start = new DateOnly(2027, 2, 3);

        var due = China.AddWorkingDays(start, 3);

        Assert.Equal(new DateOnly(2027, 2, 12), due);
        Assert.Equal(new[] { 2027 }, China.MissingYears(start, due));
        Assert.Equal("春节", China.HolidayNameOf(new DateOnly(2027, 2, 10)));
        Assert.Equal("Spring Festival", China.HolidayOf(new DateOnly(2027, 2, 9))!.NameEn);
    }

    [Fact]
    public void A_Saturday_holiday_is_compensated_on_the_Monday()
    {
        // 2028-01-01 is a Saturday.
        var newYear = ProvisionalSchedule.For(2028)!.Holidays[0];

        Assert.Equal(new Holiday("元旦", "New Year's Day", new DateOnly(2028, 1, 1), new DateOnly(2028, 1, 3)), newYear);
        Assert.False(China.IsWorkingDay(new DateOnly(2028, 1, 3)));
        Assert.True(China.IsWorkingDay(new DateOnly(2028, 1, 4)));
    }

    [Fact]
    public void Mid_Autumn_on_National_Day_merges_the_periods_and_compensates_the_lost_day()
    {
        // 2020: 中秋节 on Thursday 1 October; Saturday 3 October and the shared day are compensated on Mon 5 and Tue 6.
        var holidays = ProvisionalSchedule.For(2020)!.Holidays;

        var autumn = Assert.Single(holidays, h => h.From.Month >= 9);
        Assert.Equal(new Holiday("中秋节、国庆节", "Mid-Autumn Festival and National Day", new DateOnly(2020, 10, 1), new DateOnly(2020, 10, 6)), autumn);
    }

    [Fact]
    public void Mid_Autumn_on_the_Sunday_before_National_Day_is_compensated_after_it()
    {
        // 2012: 中秋节 on Sunday 30 September; 1–3 October are already off, so the compensatory day is Thursday 4 October.
        var autumn = Assert.Single(ProvisionalSchedule.For(2012)!.Holidays, h => h.From.Month >= 9);

        Assert.Equal(new DateOnly(2012, 9, 30), autumn.From);
        Assert.Equal(new DateOnly(2012, 10, 4), autumn.To);
        Assert.Equal("中秋节、国庆节", autumn.Name);
    }

    [Theory]
    [InlineData(1901)]
    [InlineData(2027)]
    [InlineData(2064)]
    [InlineData(2100)]
    public void Provisional_schedules_pass_the_checks_of_a_published_notice(int year)
    {
        var schedule = ProvisionalSchedule.For(year)!;

        var calendar = WorkingDayCalendar.WeekendsOnly.WithSchedules([schedule]); // validates: no overlaps, sane lengths
        Assert.All(schedule.Holidays, h => Assert.False(calendar.IsWorkingDay(h.To)));
    }

    [Fact]
    public void Outside_the_lunar_calendar_s_range_there_is_no_provisional_schedule()
    {
        Assert.Null(ProvisionalSchedule.For(1900));
        Assert.Null(ProvisionalSchedule.For(2101));
        Assert.Equal(DayKind.WorkingDay, China.KindOf(new DateOnly(2101, 1, 3))); // weekends only
    }

    [Fact]
    public void A_loaded_notice_replaces_the_provisional_year()
    {
        var notice = new HolidaySchedule(2027, "test data, not the real 2027 notice",
            [new Holiday("春节", "Spring Festival", new DateOnly(2027, 2, 5), new DateOnly(2027, 2, 11))],
            [new DateOnly(2027, 2, 13)]);

        var calendar = China.WithSchedules([notice]);

        Assert.True(calendar.UsesProvisionalYears);
        Assert.Same(notice, calendar.EffectiveScheduleFor(2027));
        Assert.True(calendar.IsWorkingDay(new DateOnly(2027, 1, 1))); // the test notice has no 元旦
        Assert.True(calendar.IsWorkingDay(new DateOnly(2027, 2, 13))); // its 调休 (a Saturday)
        Assert.Equal(new DateOnly(2027, 2, 13), calendar.AddWorkingDays(new DateOnly(2027, 2, 3), 3)); // Thu 4, Fri 12, Sat 13
        Assert.Empty(calendar.MissingYears(new DateOnly(2027, 2, 3), new DateOnly(2027, 2, 13)));
        Assert.True(China.EffectiveScheduleFor(2027)!.Provisional); // the original calendar is unchanged
    }
}
