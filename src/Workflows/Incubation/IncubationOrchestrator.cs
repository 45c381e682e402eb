using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.Incubation;

/// <summary>
/// §4, one community organisation's incubation ("149": 4 stages, 9 steps). 1 find residents' needs (survey, interest
/// activities, repeated until the target group is confirmed); 2 organise residents into action (discussions, action
/// plan, 1–2 leaders); 3 formalise (structure and the board elected under the estate election rules, registration or
/// filing, charter and points scheme); 4 keep empowering: every evaluation period funding and training are reported
/// and the organisation evaluated, corrective actions looping until it passes; when the support period ends with a
/// passing evaluation it graduates (出壳). The status carries the stage and the activists trained for the incubator view.
/// </summary>
public sealed class IncubationOrchestrator : TaskOrchestrator<IncubationInput, IncubationReport>
{
    public const string WorkflowName = "organisation-incubation";

    public override async Task<IncubationReport> RunAsync(TaskOrchestrationContext context, IncubationInput input)
    {
        var rules = await context.CallActivityAsync<IncubationRules>(nameof(LoadIncubationRulesActivity), WorkflowName);
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, input.Community, input.Year, input.Incubator), rules.Escalation);

        // Stage 1: find residents' needs.
        tracker.Stage(IncubationStages.FindNeeds);
        while (true)
        {
            await Wait<IncubationNeedsSurveyed>(tracker, rules, "1 调研现有组织、居民、志愿者和驻区单位", "1 Survey organisations, residents, volunteers, local units", IncubationChecks.Survey);
            var activities = await Wait<InterestActivitiesHeld>(tracker, rules, "2 开展兴趣活动,确认目标群体", "2 Interest activities confirm the target group", IncubationChecks.Activities);
            if (activities.TargetGroupConfirmed)
            {
                break;
            }
        }

        // Stage 2: organise residents into action.
        tracker.Stage(IncubationStages.OrganiseResidents);
        await Wait<GroupDiscussionsHeld>(tracker, rules, "3 按兴趣分组讨论", "3 Group discussions by interest", IncubationChecks.Discussions);
        await Wait<ActionPlanAdopted>(tracker, rules, "4 制定团队行动计划并开展活动", "4 Team action plan and activities", IncubationChecks.Plan);
        var leaders = await Wait<LeadersChosen>(tracker, rules, "5 推选1至2名带头人,形成骨干", "5 Pick 1–2 leaders; a stable core forms", IncubationChecks.Leaders);

        // Stage 3: formalise the organisation.
        tracker.Stage(IncubationStages.Formalise);
        var setup = await HumanStep.WaitAsync<StructureAdopted, BoardElectionSetup>(tracker,
            Step(nameof(StructureAdopted), "6 建立组织架构和制度,提名理事候选人", "6 Structure, rules and board candidates", rules), IncubationChecks.Structure);
        var board = await ElectionSteps.RunAsync(tracker, rules.BoardElection with { Electors = setup.Electors }, setup.Candidates);
        var registration = await Wait<OrganisationRegistered>(tracker, rules, "7 组织标识与登记备案", "7 Identity and registration or filing", IncubationChecks.Registration);
        await Wait<CharterAdopted>(tracker, rules, "8 制定社团公约和积分制度", "8 Charter and points scheme", IncubationChecks.Charter);

        // Stage 4: keep empowering until the support period ends with a passing evaluation.
        tracker.Stage(IncubationStages.Empower);
        var empowering = await new ContinuedEmpowerment(tracker, rules, input).RunAsync();

        tracker.Stage(IncubationStages.Graduated);
        tracker.Step($"已出壳:{registration.Name}", $"Graduated: {registration.Name}");
        return new IncubationReport(IncubationResult.Graduated, registration.Name, registration.Kind, registration.ReferenceNumber, leaders.Leaders, leaders.CoreMembers,
            board, empowering.Evaluations, empowering.CorrectiveRounds, empowering.ActivistsTrained, empowering.FundsRaised, tracker.Today);
    }

    private static Task<T> Wait<T>(ProcessTracker tracker, IncubationRules rules, string zh, string en, Func<T, T> check)
        => HumanStep.WaitAsync<T, T>(tracker, Step(typeof(T).Name, zh, en, rules), check);

    private static HumanStepSpec Step(string eventName, string zh, string en, IncubationRules rules)
        => new(eventName, zh, en, IncubationRoles.Incubator, DueInWorkingDays: rules.StepWorkingDays);
}

/// <summary>The stage keys an incubation shows in its status (<see cref="WorkflowStatus.Stage"/>).</summary>
public static class IncubationStages
{
    public const string FindNeeds = "findNeeds";
    public const string OrganiseResidents = "organiseResidents";
    public const string Formalise = "formalise";
    public const string Empower = "empower";
    public const string Graduated = "graduated";

    /// <summary>Counter of activists trained in <see cref="WorkflowStatus.Counters"/>.</summary>
    public const string ActivistsTrained = "activistsTrained";

    public static readonly IReadOnlyList<string> All = [FindNeeds, OrganiseResidents, Formalise, Empower, Graduated];
}

/// <summary>Step 9 over the support period: each evaluation period's report and evaluation, with the corrective-action loop.</summary>
internal sealed class ContinuedEmpowerment(ProcessTracker tracker, IncubationRules rules, IncubationInput input)
{
    public sealed record Totals(int Evaluations, int CorrectiveRounds, int ActivistsTrained, decimal FundsRaised);

    public async Task<Totals> RunAsync()
    {
        var context = tracker.Context;
        int months = input.EvaluationMonths ?? rules.EvaluationMonths;
        DateOnly start = tracker.Today, supportEnds = start.AddMonths(input.SupportMonths ?? rules.SupportMonths);
        int evaluations = 0, corrective = 0, trained = 0;
        decimal funds = 0;
        for (int period = 1; ; period++)
        {
            DateOnly periodEnd = start.AddMonths(period * months) is var end && end < supportEnds ? end : supportEnds;
            bool last = periodEnd == supportEnds;
            DateTime endsAt = ChinaTime.StartOfDay(periodEnd).UtcDateTime;
            if (endsAt > tracker.UtcNow)
            {
                tracker.Step($"持续赋能(第{period}期)", $"Keep empowering (period {period})");
                await context.CreateTimer(endsAt, CancellationToken.None);
            }

            var support = await HumanStep.WaitAsync<SupportReported, SupportReported>(tracker,
                new HumanStepSpec(nameof(SupportReported), $"9 第{period}期资源链接与培训情况", $"9 Period {period}: funding links and training", IncubationRoles.Incubator,
                    DueInWorkingDays: rules.EvaluationWorkingDays, CountFrom: periodEnd),
                IncubationChecks.Support);
            trained += support.ActivistsTrained;
            funds += support.FundsRaised;
            tracker.Add(IncubationStages.ActivistsTrained, support.ActivistsTrained);

            while (true)
            {
                evaluations++;
                var evaluation = await HumanStep.WaitAsync<EvaluationCompleted, EvaluationCompleted>(tracker,
                    new HumanStepSpec(nameof(EvaluationCompleted), $"9 第{period}期评估{(last ? "(出壳评估)" : "")}", $"9 Period {period} evaluation{(last ? " (graduation)" : "")}",
                        IncubationRoles.Evaluator, DueInWorkingDays: rules.EvaluationWorkingDays),
                    IncubationChecks.Evaluation,
                    e => e.Passed ? ("Evaluation passed.", "评估通过。") : ($"Not passed: {e.CorrectiveActions!.Count} corrective action(s).", $"评估未通过:整改措施{e.CorrectiveActions!.Count}项。"));
                if (evaluation.Passed)
                {
                    break;
                }

                corrective++;
                await HumanStep.WaitAsync<CorrectiveActionsCompleted, CorrectiveActionsCompleted>(tracker,
                    new HumanStepSpec(nameof(CorrectiveActionsCompleted), $"落实整改措施({evaluation.CorrectiveActions!.Count}项)", $"Carry out corrective actions ({evaluation.CorrectiveActions.Count})",
                        IncubationRoles.Incubator, DueInWorkingDays: rules.CorrectiveActionWorkingDays),
                    IncubationChecks.Corrective);
            }

            if (last)
            {
                return new Totals(evaluations, corrective, trained, funds);
            }
        }
    }
}
