namespace Governance.Domain.Calendar;

/// <summary>
/// Which holiday notices a service should hold by now: this year's always, and next year's from 1 October, since
/// due dates reach into next year by then and the State Council usually publishes the notice in October–November.
/// </summary>
public static class HolidayNoticeCoverage
{
    /// <summary>Month from whose first day next year's notice is expected.</summary>
    public const int NextYearExpectedFromMonth = 10;

    /// <summary>The expected years (ascending) that <paramref name="calendar"/> has no notice for on <paramref name="today"/>.</summary>
    public static IReadOnlyList<int> MissingNotices(WorkingDayCalendar calendar, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var expected = today.Month >= NextYearExpectedFromMonth ? new[] { today.Year, today.Year + 1 } : new[] { today.Year };
        return expected.Where(year => !calendar.HasSchedule(year)).ToArray();
    }
}
