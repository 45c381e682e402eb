using Governance.Domain.JointCommittee;

namespace Governance.Workflows.JointCommittee;

// Payloads of the human steps (submissions) of §5. The event name is the record's name (nameof).

/// <summary>The quarter's rotating chair (轮值主席) sets the joint meeting's date.</summary>
public sealed record JointMeetingScheduled(DateOnly Date, string SetBy);

/// <summary>The meeting's notice and agenda (会议通知和议程) have gone out to the member units.</summary>
public sealed record JointMeetingNoticeIssued(IReadOnlyList<string> Agenda, string IssuedBy);

/// <summary>The minutes (会议纪要) of a regular joint meeting: attending units, topics, decisions, assigned tasks, matched projects.</summary>
public sealed record JointMeetingMinutesRecorded(
    IReadOnlyList<string> AttendingUnits,
    IReadOnlyList<string> Topics,
    IReadOnlyList<string> Decisions,
    IReadOnlyList<AssignedTask>? AssignedTasks = null,
    IReadOnlyList<MatchedProject>? MatchedProjects = null);

/// <summary>An extra session (临时会议) called at any time; the call is its notice and agenda, so it is due 7 days before.</summary>
public sealed record ExtraSessionCalled(DateOnly Date, string Reason, IReadOnlyList<string> Agenda, string CalledBy);

/// <summary>The minutes of an extra session; the same content as a regular meeting's.</summary>
public sealed record ExtraSessionMinutesRecorded(
    IReadOnlyList<string> AttendingUnits,
    IReadOnlyList<string> Topics,
    IReadOnlyList<string> Decisions,
    IReadOnlyList<AssignedTask>? AssignedTasks = null,
    IReadOnlyList<MatchedProject>? MatchedProjects = null);

/// <summary>Where a problem or need came from (问题需求清单).</summary>
public enum ProblemSource
{
    /// <summary>敲门行动: door-knocking by Party members and cadres.</summary>
    DoorKnocking,
    ResidentVisit,
    Hotline,
    GridWorker,
    MemberUnit,
    JointMeeting,
}

/// <summary>A problem or need collected for the problems list, with its source.</summary>
public sealed record ProblemReported(string Description, ProblemSource Source, string ReportedBy, string? Location = null);

/// <summary>A member unit's resources for this year (资源清单): venues, funds, volunteers, expertise.</summary>
public sealed record UnitResourcesUpdated(string Unit, IReadOnlyList<string> Resources);

/// <summary>The community blows the whistle (吹哨): a work order (制单) with a deadline, for Party members or units to claim.</summary>
public sealed record WorkOrderRaised(string Title, string Description, DateOnly Deadline, string RaisedBy);

/// <summary>Year-end assessment (年底测评): each member unit's completed tasks and the assessors' rating (0–100).</summary>
public sealed record YearEndAssessed(IReadOnlyList<UnitRating> Ratings, string AssessedBy);

/// <summary>A Party member or member unit claims the order (抢单 / 报到).</summary>
public sealed record WorkOrderClaimed(string ClaimedBy, ClaimantKind Kind);

/// <summary>The order is done: its outcome and the residents' feedback.</summary>
public sealed record WorkOrderCompleted(string Outcome, int Respondents, int ResidentsSatisfied, string? Feedback = null);
