namespace Governance.Domain.Calendar;

/// <summary>
/// A stand-in for a year whose State Council holiday notice is not published (or not loaded) yet, built from the
/// regulation alone: the statutory days of <see cref="StatutoryHolidays"/>, plus one compensatory day off (补假) on
/// the next working day for every statutory day that falls on a Saturday or Sunday (放假办法 第六条). Make-up working
/// days (调休) are decided only by the notice, so a provisional year has none. Where two festivals meet (中秋节 next to
/// or on 国庆节) their periods are merged, and a festival on another festival's day is compensated like a weekend day.
/// </summary>
public static class ProvisionalSchedule
{
    public const string SourcePrefix = "Provisional";

    /// <summary>The provisional schedule of <paramref name="year"/>, or null outside the years the lunar calendar covers.</summary>
    public static HolidaySchedule? For(int year)
    {
        if (!StatutoryHolidays.Supports(year))
        {
            return null;
        }

        var festivals = StatutoryHolidays.For(year);
        var statutoryDays = festivals.SelectMany(f => f.Days).ToHashSet();
        var taken = new HashSet<DateOnly>(statutoryDays);
        var periods = new List<Holiday>();
        var seenDays = new HashSet<DateOnly>();
        foreach (var festival in festivals)
        {
            // A day already given by an earlier festival (中秋节 on 1 October) is lost like a weekend day, so compensated.
            int owed = festival.Days.Count(day => IsWeekend(day) || !seenDays.Add(day));
            DateOnly last = festival.Days.Max();
            for (var day = last; owed > 0;)
            {
                day = day.AddDays(1);
                if (!IsWeekend(day) && taken.Add(day))
                {
                    last = day;
                    owed--;
                }
            }

            periods.Add(new Holiday(festival.Name, festival.NameEn, festival.Days.Min(), last));
        }

        return new HolidaySchedule(
            year,
            $"{SourcePrefix}: statutory days of 全国年节及纪念日放假办法 (2025 revision) with 补假 for weekend days; no 调休; replace with the State Council notice for {year} when published.",
            Merge(periods),
            [],
            Provisional: true);
    }

    private static List<Holiday> Merge(List<Holiday> periods)
    {
        var merged = new List<Holiday>();
        foreach (var period in periods.OrderBy(p => p.From))
        {
            if (merged.Count > 0 && period.From <= merged[^1].To.AddDays(1))
            {
                var previous = merged[^1];
                merged[^1] = new Holiday(
                    $"{previous.Name}、{period.Name}",
                    $"{previous.NameEn} and {period.NameEn}",
                    previous.From,
                    period.To > previous.To ? period.To : previous.To);
            }
            else
            {
                merged.Add(period);
            }
        }

        return merged;
    }

    private static bool IsWeekend(DateOnly day) => day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}
