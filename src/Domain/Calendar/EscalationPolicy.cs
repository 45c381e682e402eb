using System.Text;

namespace Governance.Domain.Calendar;

/// <summary>
/// When to remind and when to escalate, in working days relative to a due date (docs/processes.md, "What every process does").
/// Configurable per process; <see cref="Default"/> is the shared reading: remind 3 working days before and on
/// the due day; escalate to the supervisor 1 working day after, the street office after 5, the district after 10.
/// </summary>
/// <remarks>
/// The constructor validates. A <c>with</c> expression bypasses constructors in C#, so
/// <see cref="ReminderSchedule.For"/> validates again before using a policy.
/// </remarks>
public sealed record EscalationPolicy(
    IReadOnlyList<int> RemindWorkingDaysBefore,
    int SupervisorAfterWorkingDays,
    int StreetOfficeAfterWorkingDays,
    int DistrictAfterWorkingDays)
{
    private readonly IReadOnlyList<int> remindWorkingDaysBefore =
        Validate(RemindWorkingDaysBefore, SupervisorAfterWorkingDays, StreetOfficeAfterWorkingDays, DistrictAfterWorkingDays);

    public static EscalationPolicy Default { get; } = new([3, 0], 1, 5, 10);

    /// <summary>Working days before the due date to remind on; 0 means on the due day itself. Stored as a private copy.</summary>
    public IReadOnlyList<int> RemindWorkingDaysBefore
    {
        get => remindWorkingDaysBefore;
        init => remindWorkingDaysBefore = Copy(value);
    }

    /// <summary>
    /// Checks a policy's numbers and returns a private copy of the reminder offsets.
    /// Reminder offsets must be &gt;= 0 and distinct. Escalation offsets must be &gt;= 1 (the due day itself still
    /// belongs to the responsible party) and strictly increasing: supervisor &lt; street office &lt; district.
    /// </summary>
    /// <exception cref="ArgumentException">A rule is broken; the message names the parameter.</exception>
    public static IReadOnlyList<int> Validate(
        IReadOnlyList<int> remindWorkingDaysBefore,
        int supervisorAfterWorkingDays,
        int streetOfficeAfterWorkingDays,
        int districtAfterWorkingDays)
    {
        ArgumentNullException.ThrowIfNull(remindWorkingDaysBefore, nameof(RemindWorkingDaysBefore));

        if (remindWorkingDaysBefore.Any(offset => offset < 0))
        {
            throw new ArgumentException(
                $"Reminder offsets must be 0 or more working days before the due date; got [{string.Join(", ", remindWorkingDaysBefore)}].",
                nameof(RemindWorkingDaysBefore));
        }

        if (remindWorkingDaysBefore.Distinct().Count() != remindWorkingDaysBefore.Count)
        {
            throw new ArgumentException(
                $"Reminder offsets must be distinct; got [{string.Join(", ", remindWorkingDaysBefore)}].",
                nameof(RemindWorkingDaysBefore));
        }

        if (supervisorAfterWorkingDays < 1)
        {
            throw new ArgumentException(
                $"Escalation to the supervisor must come at least 1 working day after the due date; got {supervisorAfterWorkingDays}.",
                nameof(SupervisorAfterWorkingDays));
        }

        if (streetOfficeAfterWorkingDays <= supervisorAfterWorkingDays)
        {
            throw new ArgumentException(
                $"Escalation to the street office ({streetOfficeAfterWorkingDays}) must come strictly after escalation to the supervisor ({supervisorAfterWorkingDays}).",
                nameof(StreetOfficeAfterWorkingDays));
        }

        if (districtAfterWorkingDays <= streetOfficeAfterWorkingDays)
        {
            throw new ArgumentException(
                $"Escalation to the district ({districtAfterWorkingDays}) must come strictly after escalation to the street office ({streetOfficeAfterWorkingDays}).",
                nameof(DistrictAfterWorkingDays));
        }

        return Copy(remindWorkingDaysBefore);
    }

    /// <summary>Throws if this instance (possibly made with <c>with</c>) breaks a rule of <see cref="Validate"/>.</summary>
    public void EnsureValid() =>
        Validate(RemindWorkingDaysBefore, SupervisorAfterWorkingDays, StreetOfficeAfterWorkingDays, DistrictAfterWorkingDays);

    /// <summary>The escalation steps in order, paired with their offsets.</summary>
    public IReadOnlyList<(EscalationLevel Level, int AfterWorkingDays)> EscalationSteps =>
    [
        (EscalationLevel.Supervisor, SupervisorAfterWorkingDays),
        (EscalationLevel.StreetOffice, StreetOfficeAfterWorkingDays),
        (EscalationLevel.District, DistrictAfterWorkingDays),
    ];

    // Value equality over the reminder offsets too (records compare lists by reference).
    public bool Equals(EscalationPolicy? other) =>
        other is not null &&
        RemindWorkingDaysBefore.SequenceEqual(other.RemindWorkingDaysBefore) &&
        SupervisorAfterWorkingDays == other.SupervisorAfterWorkingDays &&
        StreetOfficeAfterWorkingDays == other.StreetOfficeAfterWorkingDays &&
        DistrictAfterWorkingDays == other.DistrictAfterWorkingDays;

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var offset in RemindWorkingDaysBefore)
        {
            hash.Add(offset);
        }

        hash.Add(SupervisorAfterWorkingDays);
        hash.Add(StreetOfficeAfterWorkingDays);
        hash.Add(DistrictAfterWorkingDays);
        return hash.ToHashCode();
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"RemindWorkingDaysBefore = [{string.Join(", ", RemindWorkingDaysBefore)}], ");
        builder.Append($"SupervisorAfterWorkingDays = {SupervisorAfterWorkingDays}, ");
        builder.Append($"StreetOfficeAfterWorkingDays = {StreetOfficeAfterWorkingDays}, ");
        builder.Append($"DistrictAfterWorkingDays = {DistrictAfterWorkingDays}");
        return true;
    }

    private static IReadOnlyList<int> Copy(IReadOnlyList<int> offsets) =>
        Array.AsReadOnly((offsets ?? throw new ArgumentNullException(nameof(RemindWorkingDaysBefore))).ToArray());
}
