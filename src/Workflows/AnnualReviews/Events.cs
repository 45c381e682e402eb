using Governance.Domain.Evaluation;

namespace Governance.Workflows.AnnualReviews;

// Payloads of the human steps of §6. The event name is the record's name (nameof).

/// <summary>The government's evaluation team rates each self-governance organisation on its assistance agreement (协助管理协议).</summary>
public sealed record OrganisationsRated(IReadOnlyList<EvaluationScore> Scores, string RatedBy);

/// <summary>The community's team (Party organisation, cadres, resident representatives) rates the government departments.</summary>
public sealed record DepartmentsRated(IReadOnlyList<EvaluationScore> Scores, string RatedBy);

/// <summary>The resident satisfaction survey (群众满意度测评): households invited, respondents, satisfied.</summary>
public sealed record ResidentSurveyCompleted(int HouseholdsInvited, int Respondents, int Satisfied);

/// <summary>The year-end evaluation meeting (年度评议大会) was held: the inspection and rating of each project awaiting it.</summary>
public sealed record EvaluationMeetingHeld(DateOnly HeldOn, int Attendees, IReadOnlyList<ProjectRating> Ratings);
