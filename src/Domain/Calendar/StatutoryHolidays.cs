using System.Globalization;

namespace Governance.Domain.Calendar;

/// <summary>
/// The nationwide public holidays fixed by the national holiday regulation (全国年节及纪念日放假办法, as revised with
/// effect from 1 January 2025, 第二条): 元旦 1 day (1 January); 春节 4 days (lunar New Year's Eve to the 3rd day of the
/// 1st lunar month); 清明节 1 day (the Qingming solar term); 劳动节 2 days (1–2 May); 端午节 1 day (5th day of the 5th
/// lunar month); 中秋节 1 day (15th day of the 8th lunar month); 国庆节 3 days (1–3 October).
/// </summary>
public static class StatutoryHolidays
{
    private static readonly ChineseLunisolarCalendar Lunar = new();

    /// <summary>First year the lunar calendar can date all festivals of (its range starts at the lunar New Year 1901).</summary>
    public static int MinYear => Lunar.MinSupportedDateTime.Year;

    /// <summary>Last year the lunar calendar can date all festivals of.</summary>
    public static int MaxYear => Lunar.MaxSupportedDateTime.Year - 1;

    public static bool Supports(int year) => year >= MinYear && year <= MaxYear;

    /// <summary>The festivals of <paramref name="year"/> in date order, each with its statutory days.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="year"/> is outside <see cref="MinYear"/>..<see cref="MaxYear"/>.</exception>
    public static IReadOnlyList<StatutoryHoliday> For(int year)
    {
        if (!Supports(year))
        {
            throw new ArgumentOutOfRangeException(nameof(year), year, $"Festivals can be dated for {MinYear}..{MaxYear} only.");
        }

        DateOnly lunarNewYear = LunarDate(year, 1, 1);
        return new[]
        {
            new StatutoryHoliday("元旦", "New Year's Day", [new DateOnly(year, 1, 1)]),
            new StatutoryHoliday("春节", "Spring Festival", Days(lunarNewYear.AddDays(-1), 4)),
            new StatutoryHoliday("清明节", "Qingming Festival", [SolarTerms.Qingming(year)]),
            new StatutoryHoliday("劳动节", "Labour Day", Days(new DateOnly(year, 5, 1), 2)),
            new StatutoryHoliday("端午节", "Dragon Boat Festival", [LunarDate(year, 5, 5)]),
            new StatutoryHoliday("中秋节", "Mid-Autumn Festival", [LunarDate(year, 8, 15)]),
            new StatutoryHoliday("国庆节", "National Day", Days(new DateOnly(year, 10, 1), 3)),
        }.OrderBy(h => h.Days[0]).ToArray();
    }

    /// <summary>The Gregorian date of day <paramref name="day"/> of lunar month <paramref name="month"/> (not a leap month) of lunar year <paramref name="year"/>.</summary>
    public static DateOnly LunarDate(int year, int month, int day)
    {
        // .NET numbers a leap month as the month after its namesake (leap 4th month = 5), so later months shift by one.
        int leap = Lunar.GetLeapMonth(year);
        int index = leap != 0 && leap <= month ? month + 1 : month;
        return DateOnly.FromDateTime(Lunar.ToDateTime(year, index, day, 0, 0, 0, 0));
    }

    private static DateOnly[] Days(DateOnly first, int count) => Enumerable.Range(0, count).Select(first.AddDays).ToArray();
}
