using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

public sealed class ReminderScheduleTests
{
    private static readonly WorkingDayCalendar China = WorkingDayCalendar.China;

    [Fact]
    public void Due_the_first_day_after_Spring_Festival_2026_reminds_before_the_holiday_and_escalates_after()
    {
        var notices = ReminderSchedule.For(new DateOnly(2026, 2, 24), EscalationPolicy.Default, China);

        ScheduledNotice[] expected =
        [
            // 3 working days back: Sat 02-14 (调休), Fri 02-13, Thu 02-12.
            new(new DateOnly(2026, 2, 12), NoticeKind.Reminder, EscalationLevel.None, -3),
            new(new DateOnly(2026, 2, 24), NoticeKind.Reminder, EscalationLevel.None, 0),
            new(new DateOnly(2026, 2, 25), NoticeKind.Escalation, EscalationLevel.Supervisor, 1),
            // 02-25, 02-26, 02-27, Sat 02-28 (调休), Mon 03-02.
            new(new DateOnly(2026, 3, 2), NoticeKind.Escalation, EscalationLevel.StreetOffice, 5),
            new(new DateOnly(2026, 3, 9), NoticeKind.Escalation, EscalationLevel.District, 10),
        ];
        Assert.Equal(expected, notices);
    }

    [Fact]
    public void A_due_date_inside_National_Day_counts_from_the_first_working_day_after_it()
    {
        var notices = ReminderSchedule.For(new DateOnly(2025, 10, 3), EscalationPolicy.Default, China);

        Assert.Equal(
            new[]
            {
                new DateOnly(2025, 9, 28),  // make-up Sunday, 3 working days before 10-09
                new DateOnly(2025, 10, 9),
                new DateOnly(2025, 10, 10),
                new DateOnly(2025, 10, 15), // 10-10, Sat 10-11 (调休), 10-13, 10-14, 10-15
                new DateOnly(2025, 10, 22),
            },
            notices.Select(n => n.Date));
        Assert.All(notices, n => Assert.True(China.IsWorkingDay(n.Date), $"{n.Date} should be a working day"));
    }

    [Fact]
    public void A_custom_policy_is_followed_and_the_result_stays_ordered_by_date()
    {
        // Reminder offsets given out of order on purpose.
        var policy = new EscalationPolicy([0, 5, 1], 2, 3, 4);

        var notices = ReminderSchedule.For(new DateOnly(2026, 3, 10), policy, China);

        Assert.Equal(new[] { -5, -1, 0, 2, 3, 4 }, notices.Select(n => n.WorkingDaysFromDue));
        Assert.Equal(new DateOnly(2026, 3, 3), notices[0].Date);
        Assert.Equal(new DateOnly(2026, 3, 16), notices[^1].Date);
        Assert.Equal(notices.OrderBy(n => n.Date), notices);
    }

    [Fact]
    public void A_policy_broken_through_with_is_refused_when_used()
    {
        var broken = EscalationPolicy.Default with { StreetOfficeAfterWorkingDays = 20 }; // beyond district (10)

        Assert.Throws<ArgumentException>(() => ReminderSchedule.For(new DateOnly(2026, 3, 10), broken, China));
    }
}
