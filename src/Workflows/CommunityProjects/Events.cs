using System.ComponentModel.DataAnnotations;
using Governance.Domain.Projects;
using Governance.Durable;

namespace Governance.Workflows.CommunityProjects;

// Payloads of the human steps (external events) of §1–2. The event name is the record's name (nameof).

/// <summary>需求调查 done: what residents need and how many were asked.</summary>
public sealed record NeedsSurveyCompleted(string Summary, int RespondentCount, IReadOnlyList<SurveyMethod>? Methods = null);

/// <summary>
/// 项目申请书. Inside a funding round the application also carries the community's needs survey and residents'
/// support poll (群众评议), because the round screens on them before the review meeting.
/// </summary>
public sealed record ApplicationSubmitted(
    [property: StringLength(InstanceTags.MaxValueLength)] string Community, // becomes the funded project's search tag
    string ProjectName,
    string Purpose,
    string Plan,
    IReadOnlyList<string> Indicators,
    string ImplementingTeam,
    IReadOnlyList<BudgetLine> BudgetLines,
    int DurationMonths,
    NeedsSurveyCompleted? NeedsSurvey = null,
    SupportPollCompleted? SupportPoll = null);

/// <summary>
/// 群众评议: respondents and supporters. Below the threshold the project stops unless <see cref="Override"/> is chosen
/// explicitly with a written <see cref="OverrideReason"/>.
/// </summary>
public sealed record SupportPollCompleted(int Respondents, int Supporters, bool Override = false, string? OverrideReason = null)
{
    public SupportDecision Decide(decimal threshold) => new SupportPoll(Respondents, Supporters).DecideExplicit(threshold, Override, OverrideReason);
}

/// <summary>项目评审会 held: attendees and the vote counts per criterion for every application under review.</summary>
public sealed record ReviewMeetingHeld(DateOnly HeldOn, int Attendees, IReadOnlyList<ReviewVoteTally> Tallies);

/// <summary>确定资助项目 by the leadership group: the grants and, when departing from the ranking, the written reason.</summary>
public sealed record FundingDecided(IReadOnlyList<Grant> Grants, string? DepartureReason, string DecidedBy);

/// <summary>Single review of a standalone project (score 0–100).</summary>
public sealed record ProjectReviewed(decimal Score, string Reviewers, string? Comments = null);

/// <summary>The leadership group's approval of a standalone project.</summary>
public sealed record ApprovalDecided(bool Approved, decimal GrantedAmount, string Reason, string DecidedBy);

/// <summary>项目执行小组 formed, with each member's duties contract (职责合同) date and the day work starts.</summary>
public sealed record TeamFormed(IReadOnlyList<TeamMember> Members, DateOnly WorkStartsOn);

/// <summary>Monthly progress report of the execution team.</summary>
public sealed record ProgressReported(string Summary, int TeamMeetingsHeld, int ResidentsReached, decimal SpentToDate);

/// <summary>Mid-term check by the oversight group (纪检, 人大, 财政所, 财务室).</summary>
public sealed record MidTermChecked(bool Satisfactory, string Findings, string CheckedBy);

/// <summary>The three completion documents: 执行报告表, 财务审计表, 评估报告.</summary>
public sealed record CompletionDocumentsSubmitted(
    ExecutionReport? ExecutionReport,
    IReadOnlyList<SpendingLine> SpendingLines,
    decimal TotalBudgeted,
    decimal TotalSpent,
    EvaluationReport? EvaluationReport);

/// <summary>The oversight group's audit: passed, or findings with rectification (整改) deadlines.</summary>
public sealed record AuditCompleted(bool Passed, IReadOnlyList<AuditFinding>? Findings, string AuditedBy);

/// <summary>整改 done: what was fixed; the oversight group audits again.</summary>
public sealed record RectificationSubmitted(string Summary, IReadOnlyList<string>? FindingsAddressed = null);

/// <summary>满意度 rated at the year-end evaluation meeting (年度评议大会).</summary>
public sealed record SatisfactionRated(int Respondents, int Satisfied, DateOnly MeetingHeldOn);
