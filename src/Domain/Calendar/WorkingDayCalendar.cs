using System.Collections.Concurrent;

namespace Governance.Domain.Calendar;

/// <summary>
/// The working-day calendar (工作日历) Chinese offices count due dates in: weekends off, statutory holidays off,
/// official make-up working days (调休) on. Immutable; the yearly schedules are data (see <c>china-holidays.json</c>).
/// </summary>
/// <remarks>
/// A year without a loaded notice is counted with its <see cref="ProvisionalSchedule"/> (statutory days and 补假 from
/// the regulation, no 调休) when the calendar was built <see cref="WithProvisionalYears">with provisional years</see>
/// (as <see cref="China"/> is), else with weekends only. Either way dates in such a year may move once the notice is
/// published, so callers check <see cref="MissingYears"/> for the dates they compute with and mark them provisional.
/// </remarks>
public sealed class WorkingDayCalendar
{
    /// <summary>Largest number of working days one call may add or subtract (about 40 years): anything more is a bug.</summary>
    public const int MaxWorkingDaysPerCall = 10_000;

    private const string EmbeddedResourceName = "Governance.Domain.Calendar.china-holidays.json";

    private static readonly Lazy<WorkingDayCalendar> china = new(LoadEmbeddedChina);

    private readonly SortedDictionary<int, HolidaySchedule> schedulesByYear;
    private readonly Dictionary<DateOnly, SpecialDay> specialDays;
    private readonly ConcurrentDictionary<int, Dictionary<DateOnly, SpecialDay>> provisionalDaysByYear = new();

    private WorkingDayCalendar(SortedDictionary<int, HolidaySchedule> schedulesByYear, bool provisionalYears = false)
    {
        this.schedulesByYear = schedulesByYear;
        specialDays = BuildSpecialDays(schedulesByYear.Values);
        Years = schedulesByYear.Keys.ToArray();
        UsesProvisionalYears = provisionalYears;
    }

    /// <summary>China's calendar with the embedded schedules (2025 and 2026) and provisional schedules for other years.</summary>
    public static WorkingDayCalendar China => china.Value;

    /// <summary>A calendar with no holiday data: Monday–Friday are working days. Handy for tests.</summary>
    public static WorkingDayCalendar WeekendsOnly { get; } = new(new SortedDictionary<int, HolidaySchedule>());

    /// <summary>Years with a loaded schedule, ascending.</summary>
    public IReadOnlyCollection<int> Years { get; }

    /// <summary>Whether years without a notice are counted with their <see cref="ProvisionalSchedule"/> (else weekends only).</summary>
    public bool UsesProvisionalYears { get; }

    /// <summary>The same notices, with years that have none counted by their <see cref="ProvisionalSchedule"/>.</summary>
    public WorkingDayCalendar WithProvisionalYears() => UsesProvisionalYears ? this : new(schedulesByYear, provisionalYears: true);

    /// <summary>
    /// Parses holiday data in the <c>china-holidays.json</c> format.
    /// </summary>
    /// <exception cref="CalendarDataException">The JSON is malformed or inconsistent; the message names the field.</exception>
    public static WorkingDayCalendar FromJson(string json)
    {
        var schedules = HolidayScheduleJsonReader.Read(json);
        return new WorkingDayCalendar(new SortedDictionary<int, HolidaySchedule>(schedules.ToDictionary(s => s.Year)));
    }

    /// <summary>
    /// Returns a new calendar with <paramref name="more"/> added (e.g. next year's notice from configuration,
    /// without a rebuild). A schedule for a year already loaded replaces it; within <paramref name="more"/>
    /// the last one for a year wins. Where two years' notices both mention a date (a holiday spilling over
    /// New Year), the later year's notice wins.
    /// </summary>
    /// <exception cref="CalendarDataException">A schedule is inconsistent; the message names the year and field.</exception>
    public WorkingDayCalendar WithSchedules(IEnumerable<HolidaySchedule> more)
    {
        ArgumentNullException.ThrowIfNull(more);

        var merged = new SortedDictionary<int, HolidaySchedule>(schedulesByYear);
        var index = 0;
        foreach (var schedule in more)
        {
            var path = schedule is null ? $"schedules[{index}]" : $"schedules[{index}] ({schedule.Year})";
            HolidayScheduleValidator.Validate(schedule!, path);
            merged[schedule!.Year] = schedule;
            index++;
        }

        return new WorkingDayCalendar(merged, UsesProvisionalYears);
    }

    public bool HasSchedule(int year) => schedulesByYear.ContainsKey(year);

    /// <summary>The loaded schedule for <paramref name="year"/>, or null (e.g. to show its source to an auditor).</summary>
    public HolidaySchedule? ScheduleFor(int year) => schedulesByYear.GetValueOrDefault(year);

    /// <summary>
    /// The schedule dates in <paramref name="year"/> are counted with: the loaded notice, else the provisional one
    /// (when <see cref="UsesProvisionalYears"/>), else null (weekends only).
    /// </summary>
    public HolidaySchedule? EffectiveScheduleFor(int year) =>
        ScheduleFor(year) ?? (UsesProvisionalYears ? ProvisionalSchedule.For(year) : null);

    public DayKind KindOf(DateOnly date)
    {
        if (TryGetSpecialDay(date, out var special))
        {
            return special.Kind;
        }

        return date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? DayKind.Weekend : DayKind.WorkingDay;
    }

    public bool IsWorkingDay(DateOnly date) => KindOf(date) is DayKind.WorkingDay or DayKind.MakeUpWorkday;

    /// <summary>The Chinese name of the holiday <paramref name="date"/> falls in (e.g. "春节"), or null if it is not a holiday.</summary>
    public string? HolidayNameOf(DateOnly date) => HolidayOf(date)?.Name;

    /// <summary>The holiday <paramref name="date"/> falls in (both names), or null.</summary>
    public Holiday? HolidayOf(DateOnly date) =>
        TryGetSpecialDay(date, out var special) && special.Kind == DayKind.Holiday ? special.Holiday : null;

    /// <summary>
    /// The date <paramref name="workingDays"/> working days after <paramref name="start"/>; this is how due dates
    /// are computed ("5 个工作日" posted on day D ends on <c>AddWorkingDays(D, 5)</c>).
    /// </summary>
    /// <remarks>
    /// <paramref name="start"/> itself is not counted (as in 民法典 第201条: the starting day is not counted).
    /// 0 returns <paramref name="start"/> if it is a working day, else the next working day.
    /// A negative count goes backwards, again not counting <paramref name="start"/>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">|<paramref name="workingDays"/>| exceeds <see cref="MaxWorkingDaysPerCall"/>.</exception>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        if (workingDays is > MaxWorkingDaysPerCall or < -MaxWorkingDaysPerCall)
        {
            throw new ArgumentOutOfRangeException(
                nameof(workingDays),
                workingDays,
                $"Adding {workingDays} working days is not plausible; at most ±{MaxWorkingDaysPerCall} working days per call are allowed.");
        }

        if (workingDays == 0)
        {
            return NextWorkingDayOnOrAfter(start);
        }

        var step = Math.Sign(workingDays);
        var remaining = Math.Abs(workingDays);
        var day = start;
        while (remaining > 0)
        {
            day = Step(day, step);
            if (IsWorkingDay(day))
            {
                remaining--;
            }
        }

        return day;
    }

    /// <summary>
    /// Working days in (<paramref name="fromExclusive"/>, <paramref name="toInclusive"/>]; negative (the same count
    /// with a minus sign) when <paramref name="toInclusive"/> is before <paramref name="fromExclusive"/>, so
    /// <c>CountWorkingDays(a, b) == -CountWorkingDays(b, a)</c>.
    /// </summary>
    public int CountWorkingDays(DateOnly fromExclusive, DateOnly toInclusive)
    {
        if (toInclusive < fromExclusive)
        {
            return -CountWorkingDays(toInclusive, fromExclusive);
        }

        var count = 0;
        for (var day = fromExclusive; day < toInclusive;)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary><paramref name="date"/> if it is a working day, otherwise the first working day after it.</summary>
    public DateOnly NextWorkingDayOnOrAfter(DateOnly date)
    {
        var day = date;
        while (!IsWorkingDay(day))
        {
            day = Step(day, 1);
        }

        return day;
    }

    /// <summary>
    /// Years touched by the range (either order, both ends included) that have no notice loaded, ascending. Dates in
    /// these years are provisional (counted with the <see cref="ProvisionalSchedule"/> or weekends only).
    /// </summary>
    public IReadOnlyCollection<int> MissingYears(DateOnly from, DateOnly to)
    {
        var (first, last) = from <= to ? (from.Year, to.Year) : (to.Year, from.Year);
        return Enumerable.Range(first, last - first + 1).Where(year => !HasSchedule(year)).ToArray();
    }

    private bool TryGetSpecialDay(DateOnly date, out SpecialDay special)
    {
        // A notice wins, also for a date in a neighbouring year it mentions (元旦 from 12-31, 调休 in the year before).
        if (specialDays.TryGetValue(date, out special))
        {
            return true;
        }

        if (!UsesProvisionalYears || HasSchedule(date.Year))
        {
            return false;
        }

        var provisional = provisionalDaysByYear.GetOrAdd(date.Year, year =>
            ProvisionalSchedule.For(year) is { } schedule ? BuildSpecialDays([schedule]) : []);
        return provisional.TryGetValue(date, out special);
    }

    private static DateOnly Step(DateOnly day, int step)
    {
        if ((step > 0 && day == DateOnly.MaxValue) || (step < 0 && day == DateOnly.MinValue))
        {
            throw new ArgumentOutOfRangeException(nameof(day), day, "The working-day arithmetic ran past the range of DateOnly.");
        }

        return day.AddDays(step);
    }

    private static Dictionary<DateOnly, SpecialDay> BuildSpecialDays(IEnumerable<HolidaySchedule> schedulesByAscendingYear)
    {
        // Applied in ascending year order, so a later year's notice overwrites a date an earlier one also mentions.
        var days = new Dictionary<DateOnly, SpecialDay>();
        foreach (var schedule in schedulesByAscendingYear)
        {
            foreach (var holiday in schedule.Holidays)
            {
                for (var day = holiday.From; day <= holiday.To; day = day.AddDays(1))
                {
                    days[day] = new SpecialDay(DayKind.Holiday, holiday);
                }
            }

            foreach (var day in schedule.MakeUpWorkdays)
            {
                days[day] = new SpecialDay(DayKind.MakeUpWorkday, null);
            }
        }

        return days;
    }

    private static WorkingDayCalendar LoadEmbeddedChina()
    {
        using var stream = typeof(WorkingDayCalendar).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{EmbeddedResourceName}' is missing from {typeof(WorkingDayCalendar).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return FromJson(reader.ReadToEnd()).WithProvisionalYears();
    }

    private readonly record struct SpecialDay(DayKind Kind, Holiday? Holiday);
}
