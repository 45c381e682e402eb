using Governance.Domain.Evaluation;
using Governance.Domain.JointCommittee;
using Governance.Durable;
using Governance.Workflows.Common;

namespace Governance.Workflows.JointCommittee;

/// <summary>
/// One whistle-and-dispatch work order (吹哨、报到、制单、抢单) as its own small instance, so hundreds a year add
/// almost nothing to the committee's history: claimed by a Party member or member unit (unclaimed after the claim
/// window escalates), then completed with its outcome and the residents' feedback by the deadline (a claimed order
/// past its deadline escalates). Both steps show in the staff inbox like any human step.
/// </summary>
public sealed class WorkOrderOrchestrator : TaskOrchestrator<WorkOrderInput, WorkOrderOutcome>
{
    public const string WorkflowName = "joint-committee-work-order";

    /// <summary>The order's deterministic id: <c>{committee}:order:{year}-{number:000}</c>.</summary>
    public static string InstanceIdFor(string committeeInstanceId, int year, int number) => $"{committeeInstanceId}:order:{year}-{number:000}";

    public override async Task<WorkOrderOutcome> RunAsync(TaskOrchestrationContext context, WorkOrderInput input)
    {
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, input.Community, input.Year, null), input.Rules.Escalation);
        tracker.Link(new ProcessLink(input.CommitteeInstanceId, JointCommitteeOrchestrator.WorkflowName, ProcessLink.Parent));
        var members = new MemberUnits(input.MemberUnits);
        string title = input.Order.Title;

        // 抢单: open to every Party member and member unit for the claim window; then reminders and escalation.
        var claim = await HumanStep.WaitAsync<WorkOrderClaimed, WorkOrderClaimed>(tracker,
            new HumanStepSpec(nameof(WorkOrderClaimed), $"抢单:{title}", $"Claim the work order: {title}", Roles.Community,
                DueInWorkingDays: input.Rules.ClaimWorkingDays, CountFrom: input.RaisedOn),
            c => c with { ClaimedBy = WorkOrderRules.CheckClaim(c.ClaimedBy, c.Kind, members) },
            c => ($"Work order {input.Number} claimed by {c.ClaimedBy}.", $"第{input.Number}号工单已由{c.ClaimedBy}认领。"));
        DateOnly claimedOn = tracker.Today;

        // 办结: by the deadline, with the outcome and what residents say.
        var done = await HumanStep.WaitAsync<WorkOrderCompleted, WorkOrderCompleted>(tracker,
            new HumanStepSpec(nameof(WorkOrderCompleted), $"办结并反馈:{title}({claim.ClaimedBy})", $"Complete and report back: {title} ({claim.ClaimedBy})",
                Roles.Community, DueOn: input.Order.Deadline),
            c =>
            {
                WorkOrderRules.CheckCompleted(c.Outcome, c.Respondents, c.ResidentsSatisfied);
                return c;
            });
        DateOnly completedOn = tracker.Today;
        bool overdue = completedOn > input.Order.Deadline;
        tracker.Step(overdue ? "已办结(逾期)" : "已办结", overdue ? "Completed (overdue)" : "Completed");
        return new WorkOrderOutcome(context.InstanceId, input.Number, title, claim.ClaimedBy, claim.Kind, claimedOn, completedOn, overdue, done.Outcome,
            Satisfaction.Rate(done.ResidentsSatisfied, done.Respondents));
    }
}

/// <summary>What <see cref="StartWorkOrderActivity"/> starts.</summary>
public sealed record StartWorkOrderRequest(string InstanceId, WorkOrderInput Input);

/// <summary>
/// Starts a work order's instance with its deterministic id and the committee's tags. Idempotent: a retry finds the
/// instance already there and changes nothing.
/// </summary>
public sealed class StartWorkOrderActivity(DurableTaskClient client) : TaskActivity<StartWorkOrderRequest, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, StartWorkOrderRequest request)
    {
        if (await client.GetInstanceAsync(request.InstanceId) is not null)
        {
            return request.InstanceId;
        }

        try
        {
            return await client.ScheduleNewOrchestrationInstanceAsync(nameof(WorkOrderOrchestrator), request.Input,
                new StartOrchestrationOptions(request.InstanceId) { Tags = JointCommitteeCatalog.WorkOrderTags(request.Input) });
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return request.InstanceId;
        }
    }
}
