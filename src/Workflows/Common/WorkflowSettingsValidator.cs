using Microsoft.Extensions.Options;

namespace Governance.Workflows.Common;

/// <summary>
/// Checks <see cref="WorkflowSettings"/> when the host starts, with the same rules each process's activity applies when it
/// snapshots them, so a bad value stops the host naming the setting instead of failing the first instance that loads it.
/// </summary>
internal sealed class WorkflowSettingsValidator : IValidateOptions<WorkflowSettings>
{
    public ValidateOptionsResult Validate(string? name, WorkflowSettings settings)
    {
        var failures = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Check(string section, Action snapshot)
        {
            try
            {
                snapshot();
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                var messages = ex is OptionsValidationException options ? options.Failures : [ex.Message];
                // A shared default (Workflows:Escalation) broken is reported once, not again by every process that uses it.
                failures.AddRange(messages.Where(seen.Add).Select(m => m.StartsWith(WorkflowSettings.SectionName + ":", StringComparison.Ordinal)
                    ? m : $"{WorkflowSettings.SectionName}:{section}: {m}"));
            }
        }

        Check("Escalation", () => settings.Escalation.ToOffsets().ToPolicy());
        Check("ExtraHolidaysJson/ExtraHolidaysFile", () => WorkflowsServiceCollectionExtensions.BuildCalendar(settings));
        Check("CommunityProjects", () => CommunityProjects.CommunityProjectRules.From(settings));
        Check("SelfManagement", () => SelfManagement.SelfManagementRules.From(settings));
        Check("Incubation", () => Incubation.IncubationRules.From(settings));
        Check("JointCommittee", () => JointCommittee.JointCommitteeRules.From(settings));
        Check("AnnualReviews", () => AnnualReviews.AnnualReviewRules.From(settings));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
