using System.ComponentModel.DataAnnotations;
using Governance.Domain.Elections;
using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.SelfManagement;

/// <summary>The elected committee as carried from one year to the next.</summary>
public sealed record EstateCommittee(IReadOnlyList<string> Members, int ElectedInYear, DateOnly ElectedOn, string? Convention);

/// <summary>
/// Starts (or continues, year by year) one estate's self-management committee. A new instance has no
/// <see cref="Committee"/> and runs the set-up (steps 1–3); every year runs steps 4–6 and continues as new with
/// <see cref="Year"/> + 1. <see cref="YearOfTerm"/> counts the committee's years; past the term a new election is held.
/// <see cref="LastYear"/> carries the previous year's report, so it is in that year's closing history event and in
/// the next year's start (a run that continues as new has no output of its own). <see cref="PeriodStart"/> is the day
/// the committee's year begins: the first year begins when the set-up is done, every later one exactly a year after the
/// one before, however late the previous year's review finished (so the years never drift later).
/// </summary>
public sealed record EstateCommitteeInput(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street, // street, community, estate and year are search tags
    [property: StringLength(InstanceTags.MaxValueLength)] string Community,
    [property: StringLength(InstanceTags.MaxValueLength)] string Estate,
    int Year,
    int Households,
    int Seats,
    int? TermYears = null,
    EstateCommittee? Committee = null,
    int YearOfTerm = 1,
    int? StopAfterYear = null,
    CommitteeYearReport? LastYear = null,
    DateOnly? PeriodStart = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Street) || string.IsNullOrWhiteSpace(Community) || string.IsNullOrWhiteSpace(Estate))
        {
            yield return new ValidationResult("street, community and estate are required (街道、社区和小区必填).", [nameof(Street), nameof(Community), nameof(Estate)]);
        }

        if (Year is < 2000 or > 2100)
        {
            yield return new ValidationResult("year must be between 2000 and 2100 (年度须在2000至2100之间).", [nameof(Year)]);
        }

        if (Households < 1)
        {
            yield return new ValidationResult("households must be at least 1 (户数至少为1).", [nameof(Households)]);
        }

        if (Seats is < 1 or > 15)
        {
            yield return new ValidationResult("seats must be between 1 and 15 (职数须在1至15之间).", [nameof(Seats)]);
        }

        if (TermYears is < 1 or > 10)
        {
            yield return new ValidationResult("termYears must be between 1 and 10 (任期须在1至10年之间).", [nameof(TermYears)]);
        }

        if (StopAfterYear is { } stop && stop < Year)
        {
            yield return new ValidationResult("stopAfterYear cannot be before year (结束年度不能早于开始年度).", [nameof(StopAfterYear)]);
        }
    }

    public Dictionary<string, string> Tags() => new() { ["street"] = Street, ["community"] = Community, ["estate"] = Estate, ["year"] = Year.ToString() };
}

/// <summary>
/// What staff may give to start an estate's committee through the API. The committee, the year of its term and the
/// last year's report are carried only from one year to the next, so they are not part of this shape (an unknown
/// field is a 400): no one can start a committee that skipped its election.
/// </summary>
public sealed record EstateCommitteeStart(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street,
    [property: StringLength(InstanceTags.MaxValueLength)] string Community,
    [property: StringLength(InstanceTags.MaxValueLength)] string Estate,
    int Year,
    int Households,
    int Seats,
    int? TermYears = null,
    int? StopAfterYear = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => ToInput().Validate(validationContext);

    public EstateCommitteeInput ToInput() => new(Street, Community, Estate, Year, Households, Seats, TermYears, StopAfterYear: StopAfterYear);
}

/// <summary>A problem handed to its own instance (<see cref="EstateProblemOrchestrator"/>).</summary>
public sealed record EstateProblemInput(string Street, string Community, string Estate, int Year, int Round, int Number, SortedProblem Problem,
    ReportedProblem Reported, int DueInWorkingDays, EscalationOffsets Escalation);

/// <summary>How a problem ended.</summary>
public sealed record ProblemOutcome(int Round, int Number, string Title, ProblemType Type, string ResponsibleParty, DateOnly SolvedOn, string Solution);

/// <summary>One year of the committee: what was done and how the residents' assembly rated it. The output of a final year.</summary>
public sealed record CommitteeYearReport(
    int Year,
    IReadOnlyList<string> Members,
    ElectionOutcome? Election,
    IReadOnlyList<ProcessLink> Projects,
    IReadOnlyList<ProblemOutcome> Problems,
    int MonthlyPublications,
    decimal Income,
    decimal Expenses,
    int PointsAwarded,
    int GoodDeeds,
    decimal Satisfaction);
