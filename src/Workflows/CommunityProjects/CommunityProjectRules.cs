using Governance.Domain.Projects;
using Governance.Durable;
using Governance.Workflows.Common;
using Microsoft.Extensions.Options;

namespace Governance.Workflows.CommunityProjects;

/// <summary>
/// The §1–2 settings an instance runs with, snapshotted from configuration by <see cref="LoadCommunityProjectRulesActivity"/>
/// at the start (so they are in history), and passed on to the round's projects so a round uses one set of rules.
/// </summary>
public sealed record CommunityProjectRules(
    EscalationOffsets Escalation,
    int PublicityWorkingDays,
    decimal SupportThreshold,
    ReviewWeightsInput Weights,
    decimal StandaloneReviewThreshold,
    int CommunityStepWorkingDays,
    int ReviewMeetingWorkingDays,
    int FundingDecisionWorkingDays,
    int ApprovalWorkingDays,
    int ObjectionRulingWorkingDays,
    int ProgressReportWorkingDays,
    bool MidTermCheck,
    int MidTermCheckWorkingDays,
    int CompletionDocumentsWorkingDays,
    int AuditWorkingDays,
    int SatisfactionWorkingDays)
{
    public static CommunityProjectRules From(WorkflowSettings settings)
    {
        var p = settings.CommunityProjects;
        var rules = new CommunityProjectRules(
            (p.Escalation ?? settings.Escalation).ToOffsets(), p.PublicityWorkingDays, p.SupportThreshold,
            new ReviewWeightsInput(p.PublicBenefitWeight, p.FeasibilityWeight, p.SustainabilityWeight), p.StandaloneReviewThreshold,
            p.CommunityStepWorkingDays, p.ReviewMeetingWorkingDays, p.FundingDecisionWorkingDays, p.ApprovalWorkingDays,
            p.ObjectionRulingWorkingDays, p.ProgressReportWorkingDays, p.MidTermCheck, p.MidTermCheckWorkingDays,
            p.CompletionDocumentsWorkingDays, p.AuditWorkingDays, p.SatisfactionWorkingDays);
        rules.Escalation.ToPolicy(); // fail fast on bad offsets
        rules.Weights.ToWeights();
        return rules;
    }
}

/// <summary>Reads the configured §1–2 settings (the orchestrator may not read configuration itself).</summary>
public sealed class LoadCommunityProjectRulesActivity(IOptions<WorkflowSettings> settings) : TaskActivity<string, CommunityProjectRules>
{
    public override Task<CommunityProjectRules> RunAsync(TaskActivityContext context, string input)
        => Task.FromResult(CommunityProjectRules.From(settings.Value));
}
