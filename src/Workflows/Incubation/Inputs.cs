using System.ComponentModel.DataAnnotations;
using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.Incubation;

/// <summary>
/// Starts the incubation of one community organisation at an incubator. <see cref="SupportMonths"/>: how long it is
/// supported (our reading: 24 months); <see cref="EvaluationMonths"/>: how often it is evaluated (our reading: 6).
/// </summary>
public sealed record IncubationInput(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street, // street, community, incubator and year are search tags
    [property: StringLength(InstanceTags.MaxValueLength)] string Community,
    [property: StringLength(InstanceTags.MaxValueLength)] string Incubator,
    int Year,
    string WorkingName,
    int? SupportMonths = null,
    int? EvaluationMonths = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Street) || string.IsNullOrWhiteSpace(Community) || string.IsNullOrWhiteSpace(Incubator) || string.IsNullOrWhiteSpace(WorkingName))
        {
            yield return new ValidationResult("street, community, incubator and workingName are required (街道、社区、孵化平台和组织暂定名称必填).",
                [nameof(Street), nameof(Community), nameof(Incubator), nameof(WorkingName)]);
        }

        if (Year is < 2000 or > 2100)
        {
            yield return new ValidationResult("year must be between 2000 and 2100 (年度须在2000至2100之间).", [nameof(Year)]);
        }

        if (SupportMonths is < 1 or > 120)
        {
            yield return new ValidationResult("supportMonths must be between 1 and 120 (扶持期须在1至120个月之间).", [nameof(SupportMonths)]);
        }

        if (EvaluationMonths is < 1 or > 24)
        {
            yield return new ValidationResult("evaluationMonths must be between 1 and 24 (评估周期须在1至24个月之间).", [nameof(EvaluationMonths)]);
        }
    }

    public Dictionary<string, string> Tags() => new() { ["street"] = Street, ["community"] = Community, ["incubator"] = Incubator, ["year"] = Year.ToString() };
}

/// <summary>How an incubation ended.</summary>
public enum IncubationResult
{
    /// <summary>出壳: the support period ended with a passing evaluation.</summary>
    Graduated,
}

/// <summary>The incubation's record: the organisation, its board, registration and every evaluation.</summary>
public sealed record IncubationReport(
    IncubationResult Result,
    string Name,
    RegistrationKind Registration,
    string ReferenceNumber,
    IReadOnlyList<string> Leaders,
    int CoreMembers,
    ElectionOutcome Board,
    int Evaluations,
    int CorrectiveRounds,
    int ActivistsTrained,
    decimal FundsRaised,
    DateOnly GraduatedOn);
