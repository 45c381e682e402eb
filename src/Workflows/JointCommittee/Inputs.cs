using System.ComponentModel.DataAnnotations;
using Governance.Domain.JointCommittee;
using Governance.Durable;
using Governance.Workflows.Common;
using Microsoft.Extensions.Options;

namespace Governance.Workflows.JointCommittee;

/// <summary>
/// Starts (or continues) a community's joint committee for <see cref="Year"/>. <see cref="ChairRotation"/> counts the
/// quarters chaired since the committee began, so the rotating chair carries over into the next year;
/// <see cref="PreviousYear"/> is the summary of the year before (the next year's input is all the state it keeps).
/// <see cref="LastYear"/>, when set, ends the committee after that year instead of continuing.
/// </summary>
public sealed record JointCommitteeInput(
    [property: StringLength(InstanceTags.MaxValueLength)] string Street, // street, community and year are search tags
    [property: StringLength(InstanceTags.MaxValueLength)] string Community,
    int Year,
    IReadOnlyList<string> MemberUnits,
    int ChairRotation = 0,
    int? LastYear = null,
    JointCommitteeYearSummary? PreviousYear = null,
    JointCommitteeRules? Rules = null) : IValidatableObject
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

        if (Year is < 2000 or > 2100)
        {
            yield return new ValidationResult("year must be between 2000 and 2100 (年度须在2000至2100之间).", [nameof(Year)]);
        }

        if (ChairRotation < 0 || (LastYear is { } last && last < Year))
        {
            yield return new ValidationResult("chairRotation must be 0 or more and lastYear not before year (轮值序号不能为负，终止年度不能早于起始年度).", [nameof(ChairRotation)]);
        }

        string? unitsProblem = null;
        try
        {
            _ = new MemberUnits(MemberUnits ?? []);
        }
        catch (Governance.Domain.DomainRuleException refused)
        {
            unitsProblem = $"{refused.MessageEn} ({refused.MessageZh})";
        }

        if (unitsProblem is not null)
        {
            yield return new ValidationResult(unitsProblem, [nameof(MemberUnits)]);
        }
    }
}

/// <summary>A regular meeting of the year: held on its date, or missed (the quarter ended without it).</summary>
public sealed record RegularMeetingRecord(int Quarter, string Chair, DateOnly? Date, bool Held, bool MinutesRecorded);

/// <summary>
/// What a year leaves to the next: its meetings, counts and the member units' scores (details are in the year's history).
/// <see cref="WorkOrdersFiledInNextYear"/>: orders raised after the year ended while its assessment was still open,
/// filed under the next year (the next year numbers its own orders after them).
/// </summary>
public sealed record JointCommitteeYearSummary(
    int Year,
    IReadOnlyList<RegularMeetingRecord> RegularMeetings,
    int ExtraSessions,
    int ProblemsCollected,
    int UnitsWithResources,
    IReadOnlyList<LinkedProject> Projects,
    int WorkOrdersRaised,
    IReadOnlyList<UnitScore> Scores,
    int WorkOrdersFiledInNextYear = 0);

/// <summary>A project matched at a joint meeting and led by a member unit, with the instance id of its community-project.</summary>
public sealed record LinkedProject(string ProjectName, string LeadUnit, string InstanceId);

/// <summary>The §5 settings an instance runs with, snapshotted by <see cref="LoadJointCommitteeRulesActivity"/> each year.</summary>
public sealed record JointCommitteeRules(
    EscalationOffsets Escalation,
    int ScheduleWorkingDays,
    int NoticeCalendarDays,
    int MinutesWorkingDays,
    int ClaimWorkingDays,
    decimal TaskCompletionWeight,
    int AssessmentDueDayOfDecember,
    int PublicityWorkingDays,
    int ObjectionRulingWorkingDays)
{
    public static JointCommitteeRules From(WorkflowSettings settings)
    {
        var j = settings.JointCommittee;
        var rules = new JointCommitteeRules((j.Escalation ?? settings.Escalation).ToOffsets(), j.ScheduleWorkingDays, j.NoticeCalendarDays,
            j.MinutesWorkingDays, j.ClaimWorkingDays, j.TaskCompletionWeight, j.AssessmentDueDayOfDecember, j.PublicityWorkingDays, j.ObjectionRulingWorkingDays);
        rules.Escalation.ToPolicy(); // fail fast on bad offsets
        if (rules.ScheduleWorkingDays < 1 || rules.NoticeCalendarDays < 1 || rules.MinutesWorkingDays < 1 || rules.ClaimWorkingDays < 1
            || rules.TaskCompletionWeight is < 0 or > 1 || rules.AssessmentDueDayOfDecember is < 1 or > 31)
        {
            throw new ArgumentException("Workflows:JointCommittee: days must be 1 or more, the completion weight within 0–1, the assessment day within 1–31.");
        }

        return rules;
    }
}

/// <summary>Reads the configured §5 settings (the orchestrator may not read configuration itself).</summary>
public sealed class LoadJointCommitteeRulesActivity(IOptions<WorkflowSettings> settings) : TaskActivity<string, JointCommitteeRules>
{
    public override Task<JointCommitteeRules> RunAsync(TaskActivityContext context, string input) => Task.FromResult(JointCommitteeRules.From(settings.Value));
}

/// <summary>
/// A work order's own instance (<see cref="WorkOrderOrchestrator"/>), started by its committee with a deterministic id
/// (<see cref="WorkOrderOrchestrator.InstanceIdFor"/>) and linked back by <see cref="CommitteeInstanceId"/> and the
/// <c>committee</c> tag.
/// </summary>
public sealed record WorkOrderInput(
    string CommitteeInstanceId,
    string Street,
    string Community,
    int Year,
    int Number,
    WorkOrderRaised Order,
    IReadOnlyList<string> MemberUnits,
    DateOnly RaisedOn,
    JointCommitteeRules Rules);

/// <summary>How a work order ended.</summary>
public sealed record WorkOrderOutcome(string InstanceId, int Number, string Title, string ClaimedBy, ClaimantKind Kind, DateOnly ClaimedOn,
    DateOnly CompletedOn, bool Overdue, string Outcome, decimal ResidentSatisfaction);
