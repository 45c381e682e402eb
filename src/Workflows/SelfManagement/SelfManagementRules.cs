using Governance.Durable;
using Governance.Workflows.Common;
using Microsoft.Extensions.Options;

namespace Governance.Workflows.SelfManagement;

/// <summary><c>Workflows:SelfManagement</c>: settings of the estate self-management committee (§3). Due dates in working days.</summary>
public sealed class SelfManagementSettings
{
    /// <summary>Overrides <see cref="WorkflowSettings.Escalation"/> for this process when set.</summary>
    public EscalationSettings? Escalation { get; set; }

    /// <summary>Our reading: a term of office of three years, then a new election.</summary>
    public int TermYears { get; set; } = 3;

    /// <summary>Talent search, meetings, nominations, screening, convention and other community steps.</summary>
    public int StepWorkingDays { get; set; } = 15;

    public int AssemblyWorkingDays { get; set; } = 15;

    /// <summary>An assembly called again after a missed quorum.</summary>
    public int RescheduledAssemblyWorkingDays { get; set; } = 10;

    public int RunOffWorkingDays { get; set; } = 5;
    public int PublicityWorkingDays { get; set; } = 5;
    public int ObjectionRulingWorkingDays { get; set; } = 5;

    /// <summary>A month's accounts, points and good deeds are due this many working days into the next month.</summary>
    public int MonthlyPublicationWorkingDays { get; set; } = 5;

    /// <summary>Problem rounds (collect, open-space meeting, sort, solve) per year.</summary>
    public int ProblemRoundsPerYear { get; set; } = 4;

    /// <summary>Due date of a sorted problem when the meeting gives none.</summary>
    public int ProblemWorkingDays { get; set; } = 20;

    /// <summary>The residents' assembly reviews the committee's year within this many working days after the year ends.</summary>
    public int AnnualReviewWorkingDays { get; set; } = 20;
}

/// <summary>The §3 settings an instance runs with, snapshotted at the start of every year (so they are in history).</summary>
public sealed record SelfManagementRules(
    EscalationOffsets Escalation,
    int TermYears,
    int StepWorkingDays,
    int AssemblyWorkingDays,
    int RescheduledAssemblyWorkingDays,
    int RunOffWorkingDays,
    int PublicityWorkingDays,
    int ObjectionRulingWorkingDays,
    int MonthlyPublicationWorkingDays,
    int ProblemRoundsPerYear,
    int ProblemWorkingDays,
    int AnnualReviewWorkingDays)
{
    public static SelfManagementRules From(WorkflowSettings settings)
    {
        var s = settings.SelfManagement;
        var rules = new SelfManagementRules((s.Escalation ?? settings.Escalation).ToOffsets(), s.TermYears, s.StepWorkingDays, s.AssemblyWorkingDays,
            s.RescheduledAssemblyWorkingDays, s.RunOffWorkingDays, s.PublicityWorkingDays, s.ObjectionRulingWorkingDays, s.MonthlyPublicationWorkingDays,
            s.ProblemRoundsPerYear, s.ProblemWorkingDays, s.AnnualReviewWorkingDays);
        rules.Escalation.ToPolicy(); // fail fast on bad offsets
        if (rules.TermYears < 1 || rules.ProblemRoundsPerYear is < 1 or > 12)
        {
            throw new OptionsValidationException(WorkflowSettings.SectionName, typeof(SelfManagementSettings),
                ["SelfManagement: TermYears must be at least 1 and ProblemRoundsPerYear between 1 and 12."]);
        }

        return rules;
    }

    public ElectionSpec Election => new("自管委员会", "self-management committee", Roles.Community, AssemblyWorkingDays, RescheduledAssemblyWorkingDays, RunOffWorkingDays);
}

/// <summary>Reads the configured §3 settings (the orchestrator may not read configuration itself).</summary>
public sealed class LoadSelfManagementRulesActivity(IOptions<WorkflowSettings> settings) : TaskActivity<string, SelfManagementRules>
{
    public override Task<SelfManagementRules> RunAsync(TaskActivityContext context, string input)
        => Task.FromResult(SelfManagementRules.From(settings.Value));
}
