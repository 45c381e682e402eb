using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.SelfManagement;

/// <summary>
/// One problem sorted at an open-space meeting, as its own instance so it has its own due date, reminders and
/// escalation and shows in the inbox by itself; the committee's year waits for all of its problems.
/// </summary>
public sealed class EstateProblemOrchestrator : TaskOrchestrator<EstateProblemInput, ProblemOutcome>
{
    public const string WorkflowName = "estate-problem";

    public static string InstanceId(string committeeInstanceId, int year, int round, int number) => $"{committeeInstanceId}:problem:{year}-{round}-{number}";

    public override async Task<ProblemOutcome> RunAsync(TaskOrchestrationContext context, EstateProblemInput input)
    {
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, input.Community, input.Year, input.Estate), input.Escalation);
        var p = input.Problem;
        var solved = await HumanStep.WaitAsync<ProblemSolved, ProblemSolved>(tracker,
            new HumanStepSpec(nameof(ProblemSolved), $"办理问题:{p.Title}(责任方:{p.ResponsibleParty})", $"Solve: {p.Title} (responsible: {p.ResponsibleParty})",
                SelfManagementRoles.EstateCommittee, DueInWorkingDays: input.DueInWorkingDays),
            s =>
            {
                Governance.Domain.Rule.RequireText(s.Solution, "problem.solution", "The solution", "解决方案");
                return s;
            });
        tracker.Step("已解决", "Solved");
        return new ProblemOutcome(input.Round, input.Number, p.Title, p.Type, p.ResponsibleParty, tracker.Today, solved.Solution);
    }
}
