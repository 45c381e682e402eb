using Governance.Durable;
using Governance.Workflows.Common;
using Microsoft.Extensions.Options;

namespace Governance.Workflows.Incubation;

/// <summary><c>Workflows:Incubation</c>: settings of the incubation of community organisations (§4). Due dates in working days.</summary>
public sealed class IncubationSettings
{
    /// <summary>Overrides <see cref="WorkflowSettings.Escalation"/> for this process when set.</summary>
    public EscalationSettings? Escalation { get; set; }

    /// <summary>Our reading: an organisation is supported for 24 months unless its start says otherwise.</summary>
    public int SupportMonths { get; set; } = 24;

    /// <summary>Our reading: evaluated every six months.</summary>
    public int EvaluationMonths { get; set; } = 6;

    /// <summary>Steps 1–8 (surveys, activities, meetings, registration…).</summary>
    public int StepWorkingDays { get; set; } = 20;

    public int AssemblyWorkingDays { get; set; } = 15;
    public int RescheduledAssemblyWorkingDays { get; set; } = 10;
    public int RunOffWorkingDays { get; set; } = 5;

    /// <summary>The period's support report and evaluation are due this many working days after the period ends.</summary>
    public int EvaluationWorkingDays { get; set; } = 10;

    public int CorrectiveActionWorkingDays { get; set; } = 20;
}

/// <summary>The §4 settings an instance runs with, snapshotted at its start.</summary>
public sealed record IncubationRules(
    EscalationOffsets Escalation,
    int SupportMonths,
    int EvaluationMonths,
    int StepWorkingDays,
    int AssemblyWorkingDays,
    int RescheduledAssemblyWorkingDays,
    int RunOffWorkingDays,
    int EvaluationWorkingDays,
    int CorrectiveActionWorkingDays)
{
    public static IncubationRules From(WorkflowSettings settings)
    {
        var s = settings.Incubation;
        var rules = new IncubationRules((s.Escalation ?? settings.Escalation).ToOffsets(), s.SupportMonths, s.EvaluationMonths, s.StepWorkingDays,
            s.AssemblyWorkingDays, s.RescheduledAssemblyWorkingDays, s.RunOffWorkingDays, s.EvaluationWorkingDays, s.CorrectiveActionWorkingDays);
        rules.Escalation.ToPolicy(); // fail fast on bad offsets
        if (rules.SupportMonths < 1 || rules.EvaluationMonths < 1)
        {
            throw new OptionsValidationException(WorkflowSettings.SectionName, typeof(IncubationSettings),
                ["Incubation: SupportMonths and EvaluationMonths must be at least 1."]);
        }

        return rules;
    }

    public ElectionSpec BoardElection => new("理事会", "board", IncubationRoles.Incubator, AssemblyWorkingDays, RescheduledAssemblyWorkingDays, RunOffWorkingDays);
}

/// <summary>Reads the configured §4 settings (the orchestrator may not read configuration itself).</summary>
public sealed class LoadIncubationRulesActivity(IOptions<WorkflowSettings> settings) : TaskActivity<string, IncubationRules>
{
    public override Task<IncubationRules> RunAsync(TaskActivityContext context, string input)
        => Task.FromResult(IncubationRules.From(settings.Value));
}
