using System.ComponentModel.DataAnnotations;
using Governance.Domain.Evaluation;
using Governance.Durable;
using Governance.Workflows.Common;
using Microsoft.Extensions.Options;

namespace Governance.Workflows.AnnualReviews;

/// <summary>The §6 settings an instance runs with, snapshotted each year by <see cref="LoadAnnualReviewRulesActivity"/>.</summary>
public sealed record AnnualReviewRules(
    EscalationOffsets Escalation,
    int TwoWayEvaluationMonth,
    int TwoWayEvaluationDay,
    int EvaluationMeetingMonth,
    int EvaluationMeetingDay,
    int StepWorkingDays,
    int PublicityWorkingDays,
    int ObjectionRulingWorkingDays)
{
    public static AnnualReviewRules From(WorkflowSettings settings)
    {
        var a = settings.AnnualReviews;
        var rules = new AnnualReviewRules((a.Escalation ?? settings.Escalation).ToOffsets(), a.TwoWayEvaluationMonth, a.TwoWayEvaluationDay,
            a.EvaluationMeetingMonth, a.EvaluationMeetingDay, a.StepWorkingDays, a.PublicityWorkingDays, a.ObjectionRulingWorkingDays);
        rules.Escalation.ToPolicy();
        _ = rules.TwoWayEvaluationOn(2024); // a leap year: 29 February is allowed, 30 February is not
        _ = rules.EvaluationMeetingOn(2024);
        return rules;
    }

    /// <summary>The day the two-way evaluation opens in <paramref name="year"/> (29 February falls back to the 28th in other years).</summary>
    public DateOnly TwoWayEvaluationOn(int year) => DayOf(year, TwoWayEvaluationMonth, TwoWayEvaluationDay, "Workflows:AnnualReviews:TwoWayEvaluation");

    public DateOnly EvaluationMeetingOn(int year) => DayOf(year, EvaluationMeetingMonth, EvaluationMeetingDay, "Workflows:AnnualReviews:EvaluationMeeting");

    private static DateOnly DayOf(int year, int month, int day, string setting)
    {
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(2024, month))
        {
            throw new ArgumentException($"{setting}Month/Day is not a day of the year: {month}-{day}.");
        }

        return new DateOnly(year, month, Math.Min(day, DateTime.DaysInMonth(year, month)));
    }
}

/// <summary>Reads the configured §6 settings.</summary>
public sealed class LoadAnnualReviewRulesActivity(IOptions<WorkflowSettings> settings) : TaskActivity<string, AnnualReviewRules>
{
    public override Task<AnnualReviewRules> RunAsync(TaskActivityContext context, string input) => Task.FromResult(AnnualReviewRules.From(settings.Value));
}

/// <summary>
/// Starts a street's (or a community's) two-way evaluation (政社互动双向评估) from <see cref="Year"/>; it repeats every
/// year on its configured day until <see cref="LastYear"/> (when set).
/// </summary>
public sealed record TwoWayEvaluationInput(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street,
    [property: StringLength(InstanceTags.MaxValueLength)] string? Community,
    int Year,
    IReadOnlyList<string> Organisations,
    IReadOnlyList<string> Departments,
    int? LastYear = null,
    TwoWayEvaluationRecord? PreviousYear = null,
    AnnualReviewRules? Rules = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Rules is not null)
        {
            // The settings an instance runs with are the service's (checked when it starts), snapshotted each year.
            yield return new ValidationResult("rules come from the service's settings and cannot be given in a start request (流程规则取自服务配置，启动时不能指定).", [nameof(Rules)]);
        }

        if (string.IsNullOrWhiteSpace(Street))
        {
            yield return new ValidationResult("street is required (街道必填).", [nameof(Street)]);
        }

        if (Year is < 2000 or > 2100 || LastYear < Year)
        {
            yield return new ValidationResult("year must be between 2000 and 2100, lastYear not before it (年度须在2000至2100之间，终止年度不能早于起始年度).", [nameof(Year)]);
        }

        if (Organisations is not { Count: > 0 } || Departments is not { Count: > 0 }
            || Organisations.Concat(Departments).Any(string.IsNullOrWhiteSpace)
            || Organisations.Distinct().Count() != Organisations.Count || Departments.Distinct().Count() != Departments.Count)
        {
            yield return new ValidationResult("organisations and departments need at least one distinct, non-blank name each (自治组织和政府部门各至少一个，名称不能为空或重复).",
                [nameof(Organisations), nameof(Departments)]);
        }
    }
}

/// <summary>One year's two-way evaluation as recorded for appraisal (考核).</summary>
public sealed record TwoWayEvaluationRecord(
    int Year,
    IReadOnlyList<EvaluationScore> Organisations,
    IReadOnlyList<EvaluationScore> Departments,
    int HouseholdsInvited,
    int Respondents,
    decimal ParticipationRate,
    decimal SatisfactionRate,
    DateOnly PublicisedOn);

/// <summary>Starts a community's year-end evaluation meeting (年度评议大会), held every year on its configured day.</summary>
public sealed record EvaluationMeetingInput(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street,
    [property: StringLength(InstanceTags.MaxValueLength)] string Community,
    int Year,
    int? LastYear = null,
    EvaluationMeetingRecord? PreviousYear = null,
    AnnualReviewRules? Rules = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Rules is not null)
        {
            // The settings an instance runs with are the service's (checked when it starts), snapshotted each year.
            yield return new ValidationResult("rules come from the service's settings and cannot be given in a start request (流程规则取自服务配置，启动时不能指定).", [nameof(Rules)]);
        }

        if (string.IsNullOrWhiteSpace(Street) || string.IsNullOrWhiteSpace(Community))
        {
            yield return new ValidationResult("street and community are required (街道和社区必填).", [nameof(Street), nameof(Community)]);
        }

        if (Year is < 2000 or > 2100 || LastYear < Year)
        {
            yield return new ValidationResult("year must be between 2000 and 2100, lastYear not before it (年度须在2000至2100之间，终止年度不能早于起始年度).", [nameof(Year)]);
        }
    }
}

/// <summary>A community-project of the meeting's community and year, as found by its tags.</summary>
public sealed record YearProject(string InstanceId, string ProjectName, bool AwaitsRating);

/// <summary>What happened to one project's rating: its satisfaction, and how its instance answered the submission.</summary>
public sealed record ProjectRatingResult(string InstanceId, string ProjectName, decimal SatisfactionRate, string Inspection, SubmissionStatus Status, string? Rule);

/// <summary>One year's meeting: every project rated, and those of the year not yet ready for it.</summary>
public sealed record EvaluationMeetingRecord(int Year, DateOnly HeldOn, int Attendees, IReadOnlyList<ProjectRatingResult> Rated, IReadOnlyList<YearProject> NotReady, decimal? OverallSatisfaction);
