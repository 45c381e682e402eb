using System.Globalization;
using Governance.Durable.Core;
using Governance.Durable.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Governance.Durable.Tests;

/// <summary>
/// The step planner on its own, without storage: an instance's state and a batch of messages in, the plan to commit
/// out. Each test feeds batches one after another and applies each plan as the hub's commit would (see <see cref="Apply"/>).
/// </summary>
public sealed class StepPlannerTests
{
    private const string Id = "planner-instance";
    private static readonly DateTime Now = new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc);

    private readonly StepPlanner planner;
    private InstanceSnapshot instance = InstanceSnapshot.Empty(Id);
    private int messageNumber;

    public StepPlannerTests()
    {
        var registry = new DurableTaskRegistry()
            .AddOrchestrator(nameof(ActivityThenEvent), "", () => new ActivityThenEvent())
            .AddOrchestrator(nameof(ThreeEvents), "", () => new ThreeEvents())
            .AddOrchestrator(nameof(FireAndForget), "", () => new FireAndForget())
            .AddOrchestrator(nameof(ContinueAtOnce), "", () => new ContinueAtOnce())
            .AddOrchestrator(nameof(TwoChildren), "", () => new TwoChildren())
            .AddOrchestrator(nameof(WideFanOut), "", () => new WideFanOut());
        var runner = new OrchestratorRunner(registry, new ServiceCollection().BuildServiceProvider(), NullLoggerFactory.Instance, "");
        planner = new StepPlanner(runner, NullLogger.Instance);
    }

    [Fact]
    public void An_event_raised_before_the_orchestration_waits_for_it_is_kept_and_delivered_when_it_waits()
    {
        var started = Step(Start(nameof(ActivityThenEvent)));
        Assert.Single(started.Plan!.NewOutbox, o => o.Item is ActivityOutboxItem);

        var early = Step(Event("Go", "early"));
        Assert.Contains(early.Plan!.NewEvents, e => e is EventRaisedEvent { Name: "Go" });
        Assert.Equal(OrchestrationRuntimeStatus.Running, early.Plan.State.Status);

        var done = Step(ActivityResult(started, taskId: 0, "\"a\""));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.Plan!.State.Status);
        Assert.Equal("\"a early\"", done.Plan.State.Output);
    }

    [Fact]
    public void Messages_for_an_instance_whose_start_is_not_processed_yet_are_kept_until_it_starts()
    {
        var early = Step(Event("E", "1"));
        Assert.NotNull(early.Plan);
        Assert.Equal(0, early.Dropped);
        Assert.True(early.Plan.State.IsAwaitingStart);
        Assert.Single(early.Plan.State.HeldEvents);

        var started = Step(Start(nameof(ThreeEvents)), Event("E", "2"));
        Assert.Equal(OrchestrationRuntimeStatus.Running, started.Plan!.State.Status);
        var done = Step(Event("E", "3"));
        Assert.Equal("\"1,2,3\"", done.Plan!.State.Output);
    }

    [Fact]
    public void An_event_for_the_next_generation_that_comes_before_its_start_is_kept()
    {
        var first = Step(Start(nameof(ContinueAtOnce), "2"));
        Assert.Equal(OrchestrationRuntimeStatus.ContinuedAsNew, first.Plan!.State.Status);
        var nextStart = Assert.Single(first.Plan.OutboxMessages);

        var early = Step(Event("Stop", "stopped"));
        Assert.Equal(0, early.Dropped);
        Assert.Contains(early.Plan!.State.HeldEvents, e => e is EventRaisedEvent { Name: "Stop" });

        var second = Step(nextStart);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, second.Plan!.State.Status);
        Assert.Equal("\"stopped at 3\"", second.Plan.State.Output);
    }

    [Fact]
    public void A_result_of_an_activity_still_running_when_the_orchestration_finished_is_dropped_and_dispatches_nothing()
    {
        var finished = Step(Start(nameof(FireAndForget)));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, finished.Plan!.State.Status);
        Assert.Single(finished.Plan.NewOutbox, o => o.Item is ActivityOutboxItem);

        var late = Step(ActivityResult(finished, taskId: 0, "\"late\""));
        Assert.Null(late.Plan);
        Assert.Equal(1, late.Dropped);

        // Its local outbox row is released when the instance rests, so no reload dispatches the activity again.
        string key = StepPlanner.ActivityKey(Id, finished.Plan.State.ExecutionId, 0);
        Assert.Equal([key], StepPlanner.RowsOfEndedActivities(Id, instance.State, new Dictionary<string, string> { [key] = "outbox-row" }));
    }

    [Fact]
    public void A_running_execution_keeps_the_rows_of_its_own_activities()
    {
        var started = Step(Start(nameof(ActivityThenEvent)));
        string key = StepPlanner.ActivityKey(Id, started.Plan!.State.ExecutionId, 0);
        Assert.Empty(StepPlanner.RowsOfEndedActivities(Id, instance.State, new Dictionary<string, string> { [key] = "outbox-row" }));
    }

    [Fact]
    public void A_terminate_is_processed_before_the_start_of_the_next_ContinueAsNew_generation()
    {
        var first = Step(Start(nameof(ContinueAtOnce), "0"));
        var nextStart = Assert.Single(first.Plan!.OutboxMessages);

        var terminated = Step(nextStart, Lifecycle(new ExecutionTerminatedEvent("enough")));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, terminated.Plan!.State.Status);
        Assert.Same(nextStart, Assert.Single(terminated.Deferred));
        Assert.Empty(terminated.Plan.OutboxMessages);

        var after = Step(nextStart);
        Assert.Null(after.Plan);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, instance.State!.Status);
        Assert.Equal(1, instance.State.Generation);
    }

    [Fact]
    public void A_suspend_that_arrives_between_ContinueAsNew_generations_suspends_the_next_one_and_a_resume_runs_it()
    {
        var first = Step(Start(nameof(ContinueAtOnce), "0"));
        var nextStart = Assert.Single(first.Plan!.OutboxMessages);

        var suspend = Step(nextStart, Lifecycle(new ExecutionSuspendedEvent("pause")));
        Assert.Same(nextStart, Assert.Single(suspend.Deferred));
        Assert.Contains(suspend.Plan!.State.HeldEvents, e => e is ExecutionSuspendedEvent);

        var second = Step(nextStart);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, second.Plan!.State.Status);
        Assert.Equal(2, second.Plan.State.Generation);
        Assert.Empty(second.Plan.OutboxMessages);

        var resumed = Step(Lifecycle(new ExecutionResumedEvent("go on")));
        Assert.Equal(OrchestrationRuntimeStatus.ContinuedAsNew, resumed.Plan!.State.Status);
        Assert.Single(resumed.Plan.OutboxMessages, m => m.Event is ExecutionStartedEvent { Input: "2" });
    }

    [Fact]
    public void A_suspend_and_a_resume_that_both_come_before_the_start_leave_the_instance_running()
    {
        Step(Lifecycle(new ExecutionSuspendedEvent("pause")));
        Step(Lifecycle(new ExecutionResumedEvent("go on")));

        var started = Step(Start(nameof(ThreeEvents)));

        Assert.Equal(OrchestrationRuntimeStatus.Running, started.Plan!.State.Status);
        Assert.Equal(["E"], started.Plan.State.WaitingForEvents);
    }

    [Fact]
    public void A_suspend_that_comes_before_the_start_starts_the_instance_suspended()
    {
        Step(Lifecycle(new ExecutionResumedEvent("too early")));
        Step(Lifecycle(new ExecutionSuspendedEvent("pause")));

        var started = Step(Start(nameof(ThreeEvents)));

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, started.Plan!.State.Status);
    }

    [Fact]
    public void A_resume_that_acted_before_the_start_and_is_delivered_again_after_a_later_suspend_is_a_duplicate()
    {
        Step(Lifecycle(new ExecutionSuspendedEvent("pause")));
        var resume = Lifecycle(new ExecutionResumedEvent("go on"));
        Step(resume);
        Step(Lifecycle(new ExecutionSuspendedEvent("pause again")));

        var again = Step(resume);
        var started = Step(Start(nameof(ThreeEvents)));

        Assert.Null(again.Plan);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, started.Plan!.State.Status);
    }

    [Fact]
    public void A_resume_of_a_running_instance_delivered_again_after_a_suspend_is_a_duplicate()
    {
        Step(Start(nameof(ThreeEvents)));
        var resume = Lifecycle(new ExecutionResumedEvent("already running"));
        Step(resume);
        Step(Lifecycle(new ExecutionSuspendedEvent("pause")));

        Step(resume);

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, instance.State!.Status);
    }

    [Fact]
    public void A_message_delivered_twice_is_recorded_once()
    {
        Step(Start(nameof(ThreeEvents)));
        var e1 = Event("E", "1");

        var both = Step(e1, e1);
        Assert.Single(both.Plan!.NewEvents, e => e is EventRaisedEvent);

        var redelivered = Step(e1);
        Assert.Null(redelivered.Plan);
        Assert.Single(instance.History, e => e is EventRaisedEvent);
    }

    [Fact]
    public void A_message_poisoned_after_it_was_recorded_is_a_duplicate_and_does_not_fail_the_instance()
    {
        Step(Start(nameof(ThreeEvents)));
        var e1 = Event("E", "1");
        Step(e1);

        var poisoned = Step(new TaskMessage(e1.Id + "|poison", Id, new MessagePoisonedEvent(e1.Id, "failed processing 5 times") { Timestamp = Now }));

        Assert.Null(poisoned.Plan);
        Assert.Equal(OrchestrationRuntimeStatus.Running, instance.State!.Status);
    }

    [Fact]
    public void A_message_poisoned_before_it_was_recorded_fails_the_instance()
    {
        Step(Start(nameof(ThreeEvents)));

        var poisoned = Step(new TaskMessage("never-recorded|poison", Id, new MessagePoisonedEvent("never-recorded", "failed processing 5 times") { Timestamp = Now }));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, poisoned.Plan!.State.Status);
        Assert.Equal("PoisonMessage", poisoned.Plan.State.Failure!.ErrorType);
    }

    [Fact]
    public void Events_reach_the_orchestration_in_the_order_they_arrived()
    {
        Step(Start(nameof(ThreeEvents)));

        var done = Step(Event("E", "1"), Event("E", "2"), Event("E", "3"));

        Assert.Equal("\"1,2,3\"", done.Plan!.State.Output);
        Assert.Equal(["1", "2", "3"], done.Plan.NewEvents.OfType<EventRaisedEvent>().Select(e => DurableJson.Deserialize<string>(e.Input)));
    }

    [Fact]
    public void Events_held_before_the_start_come_before_those_that_arrive_with_it()
    {
        Step(Event("E", "1"));
        Step(Event("E", "2"));

        var done = Step(Start(nameof(ThreeEvents)), Event("E", "3"));

        Assert.Equal("\"1,2,3\"", done.Plan!.State.Output);
    }

    /// <summary>Plans a step of <paramref name="messages"/> and applies it to <see cref="instance"/> as a commit would.</summary>
    [Fact]
    public void A_recursive_terminate_sends_a_terminate_to_every_child_without_an_outcome_and_a_plain_one_sends_none()
    {
        var started = Step(Start(nameof(TwoChildren)));
        var childStarts = started.Plan!.OutboxMessages.Where(m => m.Event is ExecutionStartedEvent).ToList();
        Assert.Equal(["child-a", "child-b"], childStarts.Select(m => m.InstanceId));
        string exec = started.Plan.State.ExecutionId;
        Step(new TaskMessage("child-a|done", Id, new SubOrchestrationInstanceCompletedEvent(0, "\"a\"") { Timestamp = Now }, exec));

        var terminated = Step(Lifecycle(new ExecutionTerminatedEvent("stop") { Recursive = true }));

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, terminated.Plan!.State.Status);
        var toChild = Assert.Single(terminated.Plan.OutboxMessages); // child-b only: child-a has finished
        Assert.Equal("child-b", toChild.InstanceId);
        Assert.Equal(new ExecutionTerminatedEvent("stop") { Recursive = true, Timestamp = Now }, toChild.Event with { MessageId = null });

        var plain = new StepPlannerTests();
        plain.Step(plain.Start(nameof(TwoChildren)));
        var plainEnd = plain.Step(plain.Lifecycle(new ExecutionTerminatedEvent("stop")));
        Assert.Empty(plainEnd.Plan!.OutboxMessages);
    }

    private StepDecision Step(params TaskMessage[] messages)
    {
        var decision = planner.Plan(instance, messages, Now);
        instance = Apply(instance, decision);
        return decision;
    }

    /// <summary>What the hub's cache holds after committing the plan: the new state and history, the recorded message ids, the live executor.</summary>
    private static InstanceSnapshot Apply(InstanceSnapshot before, StepDecision decision)
    {
        if (decision.Plan is not { } plan)
        {
            return before;
        }

        var seen = new HashSet<string>(before.SeenMessageIds, StringComparer.Ordinal);
        seen.UnionWith(plan.NewEvents.Concat(plan.State.HeldEvents).Select(e => e.MessageId).OfType<string>());
        seen.UnionWith(plan.State.RecentMessageIds);
        return before with
        {
            State = plan.State,
            History = plan.StartsNewGeneration ? [.. plan.NewEvents] : [.. before.History, .. plan.NewEvents],
            SeenMessageIds = seen,
            Executor = plan.Executor,
        };
    }

    private TaskMessage Start(string name, string? input = null)
        => new($"{Id}|start|{++messageNumber}", Id, new ExecutionStartedEvent(name, "", input, $"exec-{messageNumber}", 0) { Timestamp = Now });

    private TaskMessage Event(string name, string value)
        => new($"{Id}|event|{++messageNumber}", Id, new EventRaisedEvent(name, DurableJson.Serialize(value)) { Timestamp = Now });

    private TaskMessage Lifecycle(HistoryEvent e) => new($"{Id}|lifecycle|{++messageNumber}", Id, e with { Timestamp = Now });

    private static TaskMessage ActivityResult(StepDecision scheduledBy, int taskId, string result)
    {
        string exec = scheduledBy.Plan!.State.ExecutionId;
        return new TaskMessage($"{StepPlanner.ActivityKey(Id, exec, taskId)}|result", Id, new TaskCompletedEvent(taskId, result) { Timestamp = Now }, exec);
    }

    private sealed class ActivityThenEvent : TaskOrchestrator<object?, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        {
            string a = await context.CallActivityAsync<string>("A");
            string go = await context.WaitForExternalEvent<string>("Go");
            return $"{a} {go}";
        }
    }

    private sealed class ThreeEvents : TaskOrchestrator<object?, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        {
            var values = new List<string>();
            for (int i = 0; i < 3; i++)
            {
                values.Add(await context.WaitForExternalEvent<string>("E"));
            }

            return string.Join(",", values);
        }
    }

    [Fact]
    public void A_fan_out_wider_than_a_transaction_shares_its_overflow_in_bundle_rows_and_keeps_every_item_in_order()
    {
        var plan = Step(Start(nameof(WideFanOut))).Plan!;

        Assert.Equal(StepPlan.MaxOutboxRows, plan.NewOutbox.Count);
        Assert.Equal(StepPlan.MaxOutboxRows / 2, plan.NewOutbox.Count(o => o.Item is ActivityOutboxItem));
        Assert.Equal(Enumerable.Range(0, 1_000).Select(i => i.ToString(CultureInfo.InvariantCulture)),
            plan.OutboxItems.Cast<ActivityOutboxItem>().Select(a => a.Request.Input!.Trim('"')));
        Assert.Equal(plan.NewOutbox.Count, plan.NewOutbox.Select(o => o.RowKey).Distinct().Count());
    }

    private sealed class WideFanOut : TaskOrchestrator<object?, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, object? input)
            => (await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => context.CallActivityAsync<int>("Square", i.ToString(CultureInfo.InvariantCulture))))).Sum();
    }

    private sealed class TwoChildren : TaskOrchestrator<object?, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        {
            var a = context.CallSubOrchestratorAsync<string>("Child", null, new SubOrchestrationOptions(instanceId: "child-a"));
            var b = context.CallSubOrchestratorAsync<string>("Child", null, new SubOrchestrationOptions(instanceId: "child-b"));
            return await a + await b;
        }
    }

    private sealed class FireAndForget : TaskOrchestrator<object?, string>
    {
        public override Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        {
            _ = context.CallActivityAsync<string>("Slow");
            return Task.FromResult("done");
        }
    }

    /// <summary>Continues as new at once, without awaiting anything, until generation input 3; that one waits for Stop.</summary>
    private sealed class ContinueAtOnce : TaskOrchestrator<int, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, int generation)
        {
            if (generation < 3)
            {
                context.ContinueAsNew(generation + 1);
                return "continued";
            }

            return $"{await context.WaitForExternalEvent<string>("Stop")} at {generation}";
        }
    }
}
