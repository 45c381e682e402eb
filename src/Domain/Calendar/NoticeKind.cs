namespace Governance.Domain.Calendar;

public enum NoticeKind
{
    /// <summary>提醒: before or on the due date, to the responsible party.</summary>
    Reminder,

    /// <summary>督办/上报: after the due date, to the next level up.</summary>
    Escalation,
}
