using System.ComponentModel.DataAnnotations;
using Governance.Domain.Projects;
using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.CommunityProjects;

/// <summary>Review weights as given in an input (公益性/可行性/可持续性); validated to sum to 1.</summary>
public sealed record ReviewWeightsInput(decimal PublicBenefit, decimal Feasibility, decimal Sustainability)
{
    public ReviewWeights ToWeights() => new(PublicBenefit, Feasibility, Sustainability);
}

/// <summary>Starts a funding round: the call for applications (项目指南).</summary>
public sealed record FundingRoundInput(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street, // street, year and round are search tags
    int Year,
    [property: StringLength(InstanceTags.MaxValueLength)] string RoundName,
    decimal BudgetTotal,
    decimal PerProjectCap,
    DateOnly ApplicationDeadline,
    ReviewWeightsInput? Weights = null,
    int? PublicityWorkingDays = null);

/// <summary>A round's grant to one application, handed to the project's own lifecycle instance.</summary>
public sealed record RoundGrant(int ApplicationNumber, ApplicationSubmitted Application, decimal GrantedAmount);

/// <summary>
/// Starts a project lifecycle: either funded by a round (<see cref="Grant"/> set; steps 1–4 were done in the round)
/// or standalone (a single review against <see cref="ReviewThreshold"/> and approval; the budget must not exceed
/// <see cref="PerProjectCap"/>). <see cref="Parent"/>: the process that started it (see <see cref="LinkedProjects"/>).
/// </summary>
public sealed record ProjectLifecycleInput(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street, // street, community, year and round are search tags
    [property: StringLength(InstanceTags.MaxValueLength)] string Community,
    int Year,
    string ProjectName,
    [property: StringLength(InstanceTags.MaxValueLength)] string? Round = null,
    RoundGrant? Grant = null,
    decimal? PerProjectCap = null,
    decimal? ReviewThreshold = null,
    bool? MidTermCheck = null,
    CommunityProjectRules? Rules = null,
    ProcessLink? Parent = null) : IValidatableObject
{
    /// <summary>Checked by the service before an instance starts, so a bad start is a 400 and not a failed instance.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Street) || string.IsNullOrWhiteSpace(Community) || string.IsNullOrWhiteSpace(ProjectName))
        {
            yield return new ValidationResult(
                "street, community and projectName are required (街道、社区和项目名称必填).", [nameof(Street), nameof(Community), nameof(ProjectName)]);
        }

        if (Year is < 2000 or > 2100)
        {
            yield return new ValidationResult("year must be between 2000 and 2100 (年度须在2000至2100之间).", [nameof(Year)]);
        }

        if (Grant is null && PerProjectCap is not > 0)
        {
            yield return new ValidationResult(
                "A standalone project needs perProjectCap greater than 0 (独立申报的项目须填写大于0的单个项目资助上限).", [nameof(PerProjectCap)]);
        }
    }
}

/// <summary>
/// What staff may give to start a standalone project through the API. A grant, the rules snapshot and the round are
/// given only by a funding round to its projects, so they are not part of this shape (an unknown field is a 400):
/// no one can start a funded project that skipped the survey, the support poll, the review and the approval.
/// </summary>
public sealed record StandaloneProjectInput(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street, // street and community are search tags
    [property: StringLength(InstanceTags.MaxValueLength)] string Community,
    int Year,
    string ProjectName,
    decimal? PerProjectCap,
    decimal? ReviewThreshold = null,
    bool? MidTermCheck = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
        => ToLifecycleInput().Validate(validationContext);

    public ProjectLifecycleInput ToLifecycleInput() => new(Street, Community, Year, ProjectName, null, null, PerProjectCap, ReviewThreshold, MidTermCheck);
}

/// <summary>How a project ended.</summary>
public enum ProjectResult
{
    Closed,
    NotSupportedByResidents,
    ReviewFailed,
    NotApproved,
    Failed,
}

/// <summary>A project's outcome as reported to its round.</summary>
public sealed record ProjectOutcome(
    string InstanceId,
    string Community,
    string ProjectName,
    ProjectResult Result,
    decimal Granted,
    decimal Spent,
    decimal? SatisfactionRate,
    int AuditRounds,
    int ProgressReports,
    string? Note = null);

/// <summary>An application that did not reach the review meeting, and why.</summary>
public sealed record ScreenedOutApplication(int ApplicationNumber, string Community, string ProjectName, string ReasonZh, string ReasonEn);

/// <summary>The round report: the ranking, the decision, grants, spending and each project's outcome.</summary>
public sealed record FundingRoundReport(
    string Street,
    int Year,
    string RoundName,
    decimal BudgetTotal,
    int ApplicationsReceived,
    IReadOnlyList<ScreenedOutApplication> ScreenedOut,
    IReadOnlyList<RankedApplication> Ranking,
    FundingDecision? Decision,
    IReadOnlyList<ObjectionRecord> Objections,
    decimal Granted,
    decimal Spent,
    IReadOnlyList<ProjectOutcome> Projects);
