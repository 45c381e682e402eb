using Governance.Domain.Calendar;

namespace Governance.Workflows.Common;

/// <summary>
/// Settings of the governance processes, bound from the <c>Workflows</c> configuration section (see
/// <see cref="SectionName"/>). Orchestrators never read these directly: an activity snapshots them at the start of
/// an instance, so the values are in its history and replay stays deterministic when configuration changes.
/// </summary>
public sealed class WorkflowSettings
{
    public const string SectionName = "Workflows";

    /// <summary>Holiday schedules for years beyond the embedded ones, in the china-holidays.json format.</summary>
    public string? ExtraHolidaysJson { get; set; }

    /// <summary>Path of a file in the china-holidays.json format, read once at startup (alternative to the JSON).</summary>
    public string? ExtraHolidaysFile { get; set; }

    /// <summary>Default reminders and escalation of every human step (docs/processes.md, "What every process does").</summary>
    public EscalationSettings Escalation { get; set; } = new();

    /// <summary><c>Workflows:CommunityProjects</c>: funding rounds and project lifecycles (§1–2).</summary>
    public CommunityProjectSettings CommunityProjects { get; set; } = new();

    /// <summary><c>Workflows:SelfManagement</c>: estate self-management committees (§3).</summary>
    public SelfManagement.SelfManagementSettings SelfManagement { get; set; } = new();

    /// <summary><c>Workflows:Incubation</c>: incubation of community organisations (§4).</summary>
    public Incubation.IncubationSettings Incubation { get; set; } = new();

    /// <summary><c>Workflows:JointCommittee</c>: the joint Party committee's yearly rhythm (§5).</summary>
    public JointCommitteeSettings JointCommittee { get; set; } = new();

    /// <summary><c>Workflows:AnnualReviews</c>: the two-way evaluation and the year-end evaluation meeting (§6).</summary>
    public AnnualReviewSettings AnnualReviews { get; set; } = new();
}

/// <summary>Reminder and escalation offsets in working days (bindable form of <see cref="EscalationPolicy"/>).</summary>
public sealed class EscalationSettings
{
    public int[] RemindWorkingDaysBefore { get; set; } = [3, 0];
    public int SupervisorAfterWorkingDays { get; set; } = 1;
    public int StreetOfficeAfterWorkingDays { get; set; } = 5;
    public int DistrictAfterWorkingDays { get; set; } = 10;

    public EscalationOffsets ToOffsets() => new(RemindWorkingDaysBefore, SupervisorAfterWorkingDays, StreetOfficeAfterWorkingDays, DistrictAfterWorkingDays);
}

/// <summary>
/// Serializable reminder/escalation offsets as recorded in history; <see cref="ToPolicy"/> validates them through
/// the calendar's <see cref="EscalationPolicy"/>.
/// </summary>
public sealed record EscalationOffsets(IReadOnlyList<int> RemindWorkingDaysBefore, int SupervisorAfterWorkingDays, int StreetOfficeAfterWorkingDays, int DistrictAfterWorkingDays)
{
    public static EscalationOffsets Default { get; } = new([3, 0], 1, 5, 10);

    public EscalationPolicy ToPolicy() => new(RemindWorkingDaysBefore, SupervisorAfterWorkingDays, StreetOfficeAfterWorkingDays, DistrictAfterWorkingDays);
}

/// <summary>Settings of §1–2 (community service projects). All due dates are in working days.</summary>
public sealed class CommunityProjectSettings
{
    /// <summary>Overrides <see cref="WorkflowSettings.Escalation"/> for these processes when set.</summary>
    public EscalationSettings? Escalation { get; set; }

    public int PublicityWorkingDays { get; set; } = 5;

    /// <summary>支持率 threshold as a fraction; reaching it exactly passes.</summary>
    public decimal SupportThreshold { get; set; } = 0.5m;

    public decimal PublicBenefitWeight { get; set; } = 0.4m;
    public decimal FeasibilityWeight { get; set; } = 0.3m;
    public decimal SustainabilityWeight { get; set; } = 0.3m;

    /// <summary>Score (0–100) a standalone project must reach in its single review.</summary>
    public decimal StandaloneReviewThreshold { get; set; } = 60m;

    /// <summary>Community steps: needs survey, application, support poll, team formation.</summary>
    public int CommunityStepWorkingDays { get; set; } = 15;

    public int ReviewMeetingWorkingDays { get; set; } = 10;
    public int FundingDecisionWorkingDays { get; set; } = 5;
    public int ApprovalWorkingDays { get; set; } = 10;
    public int ObjectionRulingWorkingDays { get; set; } = 5;

    /// <summary>A month's progress report is due this many working days into the next month.</summary>
    public int ProgressReportWorkingDays { get; set; } = 5;

    public bool MidTermCheck { get; set; } = true;
    public int MidTermCheckWorkingDays { get; set; } = 10;
    public int CompletionDocumentsWorkingDays { get; set; } = 15;
    public int AuditWorkingDays { get; set; } = 15;

    /// <summary>The year-end evaluation meeting must rate satisfaction within this many working days after the audit passes.</summary>
    public int SatisfactionWorkingDays { get; set; } = 20;
}
