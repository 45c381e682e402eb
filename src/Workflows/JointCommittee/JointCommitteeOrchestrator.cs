using Governance.Domain.JointCommittee;
using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.JointCommittee;

/// <summary>
/// §5, one community's joint Party committee (社区大党委), one execution per year: four quarterly joint meetings with
/// the rotating chair, extra sessions, the four lists (problems and needs, member units' resources, projects led by
/// member units), whistle-and-dispatch work orders (each its own instance) and the year-end assessment. Then it
/// continues as new into the next year: the year's history stays readable by its execution id and the next year
/// starts with only the summary in its input, so history never grows beyond one year.
/// </summary>
public sealed class JointCommitteeOrchestrator : TaskOrchestrator<JointCommitteeInput, JointCommitteeYearSummary>
{
    public const string WorkflowName = "joint-committee";

    public override async Task<JointCommitteeYearSummary> RunAsync(TaskOrchestrationContext context, JointCommitteeInput input)
    {
        var rules = input.Rules ?? await context.CallActivityAsync<JointCommitteeRules>(nameof(LoadJointCommitteeRulesActivity), WorkflowName);
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, input.Community, input.Year, null), rules.Escalation)
        {
            NoticeIdPrefix = $"{input.Year}.", // one execution per year: notice ids stay unique across years
        };
        var year = new CommitteeYear(tracker, input, rules, new MemberUnits(input.MemberUnits));
        var summary = await year.RunAsync();

        if (input.LastYear is { } last && input.Year >= last)
        {
            tracker.Step($"{input.Year}年度工作结束,大党委停止运行", $"Year {input.Year} closed; the committee ends");
            return summary;
        }

        // Rules are snapshotted again next year unless the start fixed them.
        NextYear.ContinueWith(context, JointCommitteeCatalog.Committee, input with { Year = input.Year + 1, ChairRotation = input.ChairRotation + 4, PreviousYear = summary });
        return summary;
    }
}
