namespace Governance.Workflows.Common;

/// <summary>Settings of §5, the joint Party committee (社区大党委). Days are working days unless named calendar days.</summary>
public sealed class JointCommitteeSettings
{
    /// <summary>Overrides <see cref="WorkflowSettings.Escalation"/> for the committee and its work orders when set.</summary>
    public EscalationSettings? Escalation { get; set; }

    /// <summary>The chair sets the quarter's meeting date within this many working days of the quarter's start.</summary>
    public int ScheduleWorkingDays { get; set; } = 10;

    /// <summary>The notice and agenda go out this many calendar days before the meeting.</summary>
    public int NoticeCalendarDays { get; set; } = 7;

    /// <summary>The minutes are due this many working days after the meeting.</summary>
    public int MinutesWorkingDays { get; set; } = 5;

    /// <summary>A work order nobody claimed within this many working days escalates.</summary>
    public int ClaimWorkingDays { get; set; } = 2;

    /// <summary>Share of the year-end score that comes from completing the assigned tasks (the rest is the assessors' rating).</summary>
    public decimal TaskCompletionWeight { get; set; } = 0.6m;

    /// <summary>The year-end assessment is due on this day of December (moved to the next working day when off).</summary>
    public int AssessmentDueDayOfDecember { get; set; } = 31;

    public int PublicityWorkingDays { get; set; } = 5;
    public int ObjectionRulingWorkingDays { get; set; } = 5;
}

/// <summary>Settings of §6, the annual reviews: when in the year each is held and how long its steps may take.</summary>
public sealed class AnnualReviewSettings
{
    public EscalationSettings? Escalation { get; set; }

    /// <summary>The two-way evaluation (政社互动双向评估) opens on this month and day every year.</summary>
    public int TwoWayEvaluationMonth { get; set; } = 12;
    public int TwoWayEvaluationDay { get; set; } = 1;

    /// <summary>The year-end evaluation meeting (年度评议大会) is held on this month and day every year.</summary>
    public int EvaluationMeetingMonth { get; set; } = 12;
    public int EvaluationMeetingDay { get; set; } = 15;

    /// <summary>Each review's steps are due this many working days after it opens.</summary>
    public int StepWorkingDays { get; set; } = 15;

    public int PublicityWorkingDays { get; set; } = 5;
    public int ObjectionRulingWorkingDays { get; set; } = 5;
}
