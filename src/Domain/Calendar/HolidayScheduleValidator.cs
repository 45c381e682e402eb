namespace Governance.Domain.Calendar;

/// <summary>
/// Consistency checks shared by JSON parsing and schedules added from configuration,
/// so a typo in next year's data fails loudly instead of silently shifting due dates.
/// </summary>
internal static class HolidayScheduleValidator
{
    public const int MinYear = 1900;
    public const int MaxYear = 2999;

    // The longest statutory break so far is 9 days (春节 2026); anything much longer is a typo.
    public const int MaxHolidayLengthDays = 15;

    /// <param name="path">Field path prefix used in error messages, e.g. <c>years[0]</c>.</param>
    public static void Validate(HolidaySchedule schedule, string path)
    {
        if (schedule is null)
        {
            throw new CalendarDataException(path, "schedule is null.");
        }

        if (schedule.Year is < MinYear or > MaxYear)
        {
            throw new CalendarDataException($"{path}.year", $"{schedule.Year} is outside {MinYear}..{MaxYear}.");
        }

        if (string.IsNullOrWhiteSpace(schedule.Source))
        {
            throw new CalendarDataException($"{path}.source", "is required: name the published notice the dates come from.");
        }

        if (schedule.Holidays is null)
        {
            throw new CalendarDataException($"{path}.holidays", "is required.");
        }

        if (schedule.MakeUpWorkdays is null)
        {
            throw new CalendarDataException($"{path}.makeUpWorkdays", "is required (use an empty list if there are none).");
        }

        for (var i = 0; i < schedule.Holidays.Count; i++)
        {
            ValidateHoliday(schedule.Holidays[i], schedule.Year, $"{path}.holidays[{i}]");
        }

        EnsureHolidaysDoNotOverlap(schedule, path);
        ValidateMakeUpWorkdays(schedule, path);
    }

    private static void ValidateHoliday(Holiday holiday, int year, string path)
    {
        if (holiday is null)
        {
            throw new CalendarDataException(path, "holiday is null.");
        }

        if (string.IsNullOrWhiteSpace(holiday.Name))
        {
            throw new CalendarDataException($"{path}.name", "is required.");
        }

        if (string.IsNullOrWhiteSpace(holiday.NameEn))
        {
            throw new CalendarDataException($"{path}.nameEn", "is required.");
        }

        if (holiday.To < holiday.From)
        {
            throw new CalendarDataException($"{path}.to", $"{holiday.To:yyyy-MM-dd} is before from {holiday.From:yyyy-MM-dd}.");
        }

        var length = holiday.To.DayNumber - holiday.From.DayNumber + 1;
        if (length > MaxHolidayLengthDays)
        {
            throw new CalendarDataException($"{path}.to", $"the holiday lasts {length} days; more than {MaxHolidayLengthDays} is almost certainly a typo.");
        }

        // A notice may start 元旦 on 12-31 of the previous year, but every period must touch its own year.
        if (holiday.To.Year < year || holiday.From.Year > year)
        {
            throw new CalendarDataException($"{path}.from", $"{holiday.From:yyyy-MM-dd}..{holiday.To:yyyy-MM-dd} does not touch the schedule's year {year}.");
        }
    }

    private static void EnsureHolidaysDoNotOverlap(HolidaySchedule schedule, string path)
    {
        var ordered = schedule.Holidays
            .Select((holiday, index) => (holiday, index))
            .OrderBy(entry => entry.holiday.From)
            .ToList();

        for (var i = 1; i < ordered.Count; i++)
        {
            var previous = ordered[i - 1];
            var current = ordered[i];
            if (current.holiday.From <= previous.holiday.To)
            {
                throw new CalendarDataException(
                    $"{path}.holidays[{current.index}].from",
                    $"{current.holiday.Name} overlaps {previous.holiday.Name} (holidays[{previous.index}]).");
            }
        }
    }

    private static void ValidateMakeUpWorkdays(HolidaySchedule schedule, string path)
    {
        var seen = new HashSet<DateOnly>();
        for (var i = 0; i < schedule.MakeUpWorkdays.Count; i++)
        {
            var day = schedule.MakeUpWorkdays[i];
            var field = $"{path}.makeUpWorkdays[{i}]";

            if (day.Year < schedule.Year - 1 || day.Year > schedule.Year + 1)
            {
                throw new CalendarDataException(field, $"{day:yyyy-MM-dd} is too far from the schedule's year {schedule.Year}.");
            }

            // 调休 only ever turns a Saturday or Sunday into a working day; a weekday here is a typo.
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                throw new CalendarDataException(field, $"{day:yyyy-MM-dd} is a {day.DayOfWeek}; make-up working days are always Saturdays or Sundays.");
            }

            if (!seen.Add(day))
            {
                throw new CalendarDataException(field, $"{day:yyyy-MM-dd} is listed twice.");
            }

            var clash = schedule.Holidays.FirstOrDefault(h => h.From <= day && day <= h.To);
            if (clash is not null)
            {
                throw new CalendarDataException(field, $"{day:yyyy-MM-dd} is inside the holiday {clash.Name}.");
            }
        }
    }
}
