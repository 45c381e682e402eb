namespace Governance.Domain.Calendar;

/// <summary>Turns a due date and an <see cref="EscalationPolicy"/> into the dated reminders and escalations to send.</summary>
public static class ReminderSchedule
{
    /// <summary>
    /// All notices for <paramref name="dueDate"/>, ordered by date: reminders before or on the due date,
    /// escalations after it. Every notice falls on a working day.
    /// </summary>
    /// <remarks>
    /// A due date on a day off is treated as the next working day, as Chinese law does for deadlines
    /// (民法典 第203条: a period ending on a statutory holiday ends on the day after the holiday).
    /// </remarks>
    /// <exception cref="ArgumentException">The policy is invalid (e.g. built with <c>with</c> into decreasing offsets).</exception>
    public static IReadOnlyList<ScheduledNotice> For(DateOnly dueDate, EscalationPolicy policy, WorkingDayCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(calendar);
        policy.EnsureValid();

        var effectiveDue = calendar.NextWorkingDayOnOrAfter(dueDate);

        var reminders = policy.RemindWorkingDaysBefore.Select(before => new ScheduledNotice(
            calendar.AddWorkingDays(effectiveDue, -before), NoticeKind.Reminder, EscalationLevel.None, -before));

        var escalations = policy.EscalationSteps.Select(step => new ScheduledNotice(
            calendar.AddWorkingDays(effectiveDue, step.AfterWorkingDays), NoticeKind.Escalation, step.Level, step.AfterWorkingDays));

        return reminders.Concat(escalations)
            .OrderBy(notice => notice.Date)
            .ThenBy(notice => notice.WorkingDaysFromDue)
            .ToArray();
    }
}
