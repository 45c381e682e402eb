namespace Governance.Workflows.Incubation;

// Payloads of the human steps of §4 ("149": 1 incubator platform, 4 stages, 9 steps). The event name is the
// record's name (nameof). The board election's assembly and run-off payloads are shared (Common/ElectionSteps),
// with the members entitled to vote given as "households".

/// <summary>Step 1: existing organisations, residents, volunteers and local units surveyed; the target group proposed.</summary>
public sealed record IncubationNeedsSurveyed(int Interviews, int Questionnaires, string TargetGroup, string Needs);

/// <summary>Step 2: interest activities run; the target group is confirmed, or the survey is done again.</summary>
public sealed record InterestActivitiesHeld(int Activities, int Participants, bool TargetGroupConfirmed, string? Reason = null);

/// <summary>Step 3: group discussions by interest; members get to know each other.</summary>
public sealed record GroupDiscussionsHeld(int Discussions, int Members);

/// <summary>Step 4: the team's action plan and the activities run under it.</summary>
public sealed record ActionPlanAdopted(string Plan, int ActivitiesRun);

/// <summary>Step 5: 1–2 leaders picked (observation, member vote) and a stable core membership.</summary>
public sealed record LeadersChosen(IReadOnlyList<string> Leaders, int CoreMembers);

/// <summary>Step 6: structure and rules; the board's <see cref="Seats"/> and <see cref="Candidates"/> (elected under the estate election rules).</summary>
public sealed record StructureAdopted(string Structure, IReadOnlyList<string> Rules, int Seats, IReadOnlyList<string> Candidates, int MembersEntitledToVote);

/// <summary>登记 (registered with civil affairs) or 备案 (filed with the street/community).</summary>
public enum RegistrationKind
{
    Registered,
    Filed,
}

/// <summary>Step 7: identity (name, logo, uniform…) and registration or filing.</summary>
public sealed record OrganisationRegistered(string Name, string? Logo, RegistrationKind Kind, string ReferenceNumber, DateOnly On);

/// <summary>Step 8: the charter from members' views and the points scheme for members and partner shops.</summary>
public sealed record CharterAdopted(string Charter, string PointsScheme, int PartnerShops);

/// <summary>Step 9, each period: funding links (grants, crowdfunding, donors) and training.</summary>
public sealed record SupportReported(decimal FundsRaised, IReadOnlyList<string>? FundingSources, int TrainingSessions, int ActivistsTrained);

/// <summary>Who evaluated.</summary>
public enum Evaluator
{
    Internal,
    ThirdParty,
}

/// <summary>Step 9, each period: the evaluation; not passed means corrective actions, then evaluation again.</summary>
public sealed record EvaluationCompleted(bool Passed, Evaluator Evaluator, string Findings, IReadOnlyList<string>? CorrectiveActions = null);

/// <summary>The corrective actions were carried out; the organisation is evaluated again.</summary>
public sealed record CorrectiveActionsCompleted(string Summary);
