using Governance.Domain.Calendar;
using Governance.Domain.Evaluation;
using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.AnnualReviews;

/// <summary>
/// §6, the two-way evaluation (政社互动双向评估, Taicang): every year on its configured day the government's team rates
/// each self-governance organisation on its assistance agreement, the community's team rates the government
/// departments, and residents are surveyed (satisfaction and participation rate); the three run side by side with
/// reminders and escalation, the results are publicised (an upheld objection repeats the ratings) and recorded for
/// appraisal. Then it continues as new into the next year, with last year's record as its only state.
/// </summary>
public sealed class TwoWayEvaluationOrchestrator : TaskOrchestrator<TwoWayEvaluationInput, TwoWayEvaluationRecord>
{
    public const string WorkflowName = "two-way-evaluation";

    /// <summary>The government's evaluation team (政府考评小组).</summary>
    public const string GovernmentTeam = "governmentTeam";

    public override async Task<TwoWayEvaluationRecord> RunAsync(TaskOrchestrationContext context, TwoWayEvaluationInput input)
    {
        var rules = input.Rules ?? await context.CallActivityAsync<AnnualReviewRules>(nameof(LoadAnnualReviewRulesActivity), WorkflowName);
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, input.Community, input.Year, null), rules.Escalation)
        {
            NoticeIdPrefix = $"{input.Year}.", // one execution per year: notice ids stay unique across years
        };
        DateOnly opens = rules.TwoWayEvaluationOn(input.Year);
        await AnnualSchedule.WaitForDayAsync(tracker, opens, $"{input.Year}年度政社互动双向评估", $"Two-way evaluation {input.Year}");

        var rated = await RedoOnObjection.RunAsync(tracker,
            async () =>
            {
                var organisations = HumanStep.WaitAsync<OrganisationsRated, IReadOnlyList<EvaluationScore>>(tracker,
                    new HumanStepSpec(nameof(OrganisationsRated), "政府考评小组评估自治组织履行协助管理协议情况", "Government team rates the self-governance organisations",
                        GovernmentTeam, DueInWorkingDays: rules.StepWorkingDays),
                    r => EvaluationRules.CheckScores(input.Organisations, r.Scores, "evaluation.organisations", "Organisation", "自治组织"));
                var departments = HumanStep.WaitAsync<DepartmentsRated, IReadOnlyList<EvaluationScore>>(tracker,
                    new HumanStepSpec(nameof(DepartmentsRated), "社区评估小组评估政府部门", "Community team rates the government departments",
                        Roles.Community, DueInWorkingDays: rules.StepWorkingDays),
                    r => EvaluationRules.CheckScores(input.Departments, r.Scores, "evaluation.departments", "Department", "政府部门"));
                var survey = HumanStep.WaitAsync<ResidentSurveyCompleted, SatisfactionSurvey>(tracker,
                    new HumanStepSpec(nameof(ResidentSurveyCompleted), "群众满意度测评", "Resident satisfaction survey", Roles.Community, DueInWorkingDays: rules.StepWorkingDays),
                    s => new SatisfactionSurvey(s.HouseholdsInvited, s.Respondents, s.Satisfied),
                    s => ($"Survey recorded: participation {s.ParticipationRate:P2}, satisfaction {s.SatisfactionRate:P2}.", $"测评已受理：参与率{s.ParticipationRate:P2}，满意率{s.SatisfactionRate:P2}。"));
                await Task.WhenAll(organisations, departments, survey);
                return (Organisations: await organisations, Departments: await departments, Survey: await survey);
            },
            r => new PublicitySpec($"{input.Year}年度双向评估结果", $"the {input.Year} two-way evaluation results",
                rules.PublicityWorkingDays, GovernmentTeam, rules.ObjectionRulingWorkingDays,
                $"自治组织:{Scores(r.Organisations)};政府部门:{Scores(r.Departments)};群众满意率{r.Survey.SatisfactionRate:P2},参与率{r.Survey.ParticipationRate:P2}",
                $"Organisations: {Scores(r.Organisations)}; departments: {Scores(r.Departments)}; satisfaction {r.Survey.SatisfactionRate:P2}, participation {r.Survey.ParticipationRate:P2}"));
        var (organisations, departments, s) = rated.Result;
        var record = new TwoWayEvaluationRecord(input.Year, organisations, departments, s.HouseholdsInvited, s.Respondents,
            s.ParticipationRate, s.SatisfactionRate, rated.Publicity.PostedOn);

        tracker.Step($"{input.Year}年度双向评估结果已记录,纳入考核", $"{input.Year} results recorded for appraisal");
        if (input.LastYear is not { } last || input.Year < last)
        {
            NextYear.ContinueWith(context, AnnualReviewsCatalog.TwoWayEvaluation, input with { Year = input.Year + 1, PreviousYear = record });
        }

        return record;
    }

    private static string Scores(IReadOnlyList<EvaluationScore> scores) => string.Join(", ", scores.Select(s => $"{s.Subject} {s.Score}"));
}

/// <summary>The annual reviews' durable wait for their day of the year.</summary>
internal static class AnnualSchedule
{
    /// <summary>Waits (one durable timer) until the start of <paramref name="day"/> in China; a day already here does not wait.</summary>
    public static async Task WaitForDayAsync(ProcessTracker tracker, DateOnly day, string whatZh, string whatEn)
    {
        DateTime at = ChinaTime.StartOfDay(day).UtcDateTime;
        if (at > tracker.UtcNow)
        {
            tracker.Step($"{whatZh}定于{day:yyyy-MM-dd}", $"{whatEn} scheduled for {day:yyyy-MM-dd}");
            await tracker.Context.CreateTimer(at, CancellationToken.None);
        }

        tracker.Step(whatZh, whatEn);
    }
}
