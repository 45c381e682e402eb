using Governance.Domain.Elections;

namespace Governance.Workflows.SelfManagement;

// Payloads of the human steps of §3 (六步工作法). The event name is the record's name (nameof). The election's
// assembly and run-off payloads are shared with other processes (Common/ElectionSteps).

/// <summary>四引: the four groups invited to activities.</summary>
public enum TalentGroup
{
    /// <summary>退休干部</summary>
    RetiredOfficial,

    /// <summary>退休职工</summary>
    RetiredWorker,

    /// <summary>居民骨干</summary>
    ResidentActivist,

    /// <summary>能人</summary>
    SkilledPerson,
}

/// <summary>四看: what was observed about a person (participation, cooperation, execution, recognition by residents).</summary>
public sealed record FourObservations(bool TakesPart, bool Cooperates, bool CarriesOut, bool RecognisedByResidents);

/// <summary>One entry of the talent file (小区达人档案).</summary>
public sealed record TalentRecord(string Name, TalentGroup Group, FourObservations Observations, string? Skills = null);

/// <summary>Step 1 (选达人) done: the talent file.</summary>
public sealed record TalentSearchCompleted(IReadOnlyList<TalentRecord> Talents, int ActivitiesHeld);

/// <summary>两会: the residents' forum and the building leaders' discussion, with what they said about self-management and who should serve.</summary>
public sealed record ConsultationMeetingsHeld(DateOnly ResidentsForumOn, int ResidentsForumAttendees, DateOnly BuildingLeadersMeetingOn, int BuildingLeadersAttendees, string Views);

/// <summary>三荐: how someone was put forward.</summary>
public enum NominationChannel
{
    /// <summary>党组织推荐</summary>
    PartyOrganisation,

    /// <summary>居民联荐</summary>
    ResidentsJointly,

    /// <summary>自荐</summary>
    Self,
}

public sealed record Nomination(string Name, NominationChannel Channel, int? Recommenders = null);

/// <summary>The nominations received through the three channels.</summary>
public sealed record NominationsClosed(IReadOnlyList<Nomination> Nominations);

/// <summary>
/// A nominee's background check (无违法犯罪记录) and the four-question interview (四问: willing? time? energy? ideas?).
/// Only nominees who pass all five become preliminary candidates.
/// </summary>
public sealed record CandidateScreening(string Name, bool NoCriminalRecord, bool Willing, bool HasTime, bool HasEnergy, bool HasIdeas)
{
    public bool Passes => NoCriminalRecord && Willing && HasTime && HasEnergy && HasIdeas;
}

/// <summary>Screening of every nominee; the passing ones form the preliminary list, which must be competitive.</summary>
public sealed record CandidatesScreened(IReadOnlyList<CandidateScreening> Candidates);

/// <summary>Step 3 (定公约): the draft convention and the committee's duties.</summary>
public sealed record ConventionDrafted(string Convention, IReadOnlyList<string> CommitteeDuties);

/// <summary>The all-residents meeting on the draft: adopted, or sent back with the changes asked for.</summary>
public sealed record ConventionMeetingHeld(DateOnly HeldOn, int Attendees, bool Adopted, string? ChangesRequested = null);

/// <summary>A project the committee applies funds for (→ a linked community-project).</summary>
public sealed record FundingApplication(string ProjectName, decimal PerProjectCap);

/// <summary>Step 4 (抓赋能, 一助力三支持): the year's plan of study visits and support, and projects to apply funds for.</summary>
public sealed record EmpowermentPlanned(int StudyVisits, string ResidentAffairsSupport, bool PointsSchemeInPlace, IReadOnlyList<FundingApplication>? FundingApplications = null);

/// <summary>Where a problem came from.</summary>
public enum ProblemSource
{
    /// <summary>定点收集</summary>
    FixedPoint,

    /// <summary>入户走访</summary>
    HomeVisit,

    /// <summary>线上收集</summary>
    Online,
}

public sealed record ReportedProblem(string Title, ProblemSource Source);

/// <summary>Step 5: the problems collected this round.</summary>
public sealed record ProblemsCollected(IReadOnlyList<ReportedProblem> Problems);

/// <summary>Kinds of problems sorted at the open-space meeting.</summary>
public enum ProblemType
{
    Environment,
    Safety,
    Facilities,
    NeighbourDispute,
    CareForResidents,
    Other,
}

/// <summary>A collected problem as sorted: its type, who is responsible and, optionally, its own due date in working days.</summary>
public sealed record SortedProblem(string Title, ProblemType Type, string ResponsibleParty, int? DueInWorkingDays = null);

/// <summary>The open-space meeting (开放空间会议) discussed the round's problems and sorted them.</summary>
public sealed record OpenSpaceMeetingHeld(DateOnly HeldOn, int Attendees, IReadOnlyList<SortedProblem> Sorted);

/// <summary>One sorted problem solved (the solution is publicised with the month's accounts).</summary>
public sealed record ProblemSolved(string Solution);

/// <summary>A good deed (好人好事) to publish.</summary>
public sealed record GoodDeed(string Who, string What);

/// <summary>四公示, monthly: every income and expense, points awarded and good deeds, posted online and offline.</summary>
public sealed record MonthlyAccountsPublished(int Month, decimal Income, decimal Expenses, int PointsAwarded, IReadOnlyList<GoodDeed>? GoodDeeds, DateOnly PostedOn);

/// <summary>The residents' assembly's annual review (年度评议) of the committee's work.</summary>
public sealed record AnnualReviewHeld(DateOnly HeldOn, int Households, int Respondents, int Satisfied, string Summary);
