namespace Governance.Domain.Calendar;

/// <summary>
/// One reminder or escalation to send on <paramref name="Date"/> (a working day).
/// </summary>
/// <param name="Level"><see cref="EscalationLevel.None"/> for reminders.</param>
/// <param name="WorkingDaysFromDue">Negative before the due date (-3 = three working days before), 0 on it, positive after.</param>
public sealed record ScheduledNotice(DateOnly Date, NoticeKind Kind, EscalationLevel Level, int WorkingDaysFromDue);
