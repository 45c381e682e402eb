using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Moq.Protected;

namespace Governance.Workflows.Tests.Support;

/// <summary>
/// Runs an orchestrator against a Moq <see cref="TaskOrchestrationContext"/> as a small discrete-event simulation:
/// durable timers fire in time order, staff responses are delivered when the orchestrator waits for them (or at a
/// scripted time, to simulate lateness), activities run their real logic in memory. Everything completes inline on
/// the test thread, so no sleeping and no timing assumptions.
/// </summary>
internal sealed class OrchestrationHarness
{
    private readonly List<PendingTimer> timers = [];
    private readonly Dictionary<string, List<IPending>> waiters = new();
    private readonly Dictionary<string, List<ISubmissionPending>> submissionWaiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<object>> prompt = new();
    private readonly List<(DateTime At, string Name, object Payload)> timed = [];

    public OrchestrationHarness(DateTime startUtc, string instanceId = "round1")
    {
        Now = startUtc;
        Mock = new Mock<TaskOrchestrationContext> { CallBase = true };
        Mock.Setup(c => c.InstanceId).Returns(instanceId);
        Mock.Setup(c => c.CurrentUtcDateTime).Returns(() => Now);
        Mock.Setup(c => c.IsReplaying).Returns(false);
        Mock.Protected().Setup<ILoggerFactory>("LoggerFactory").Returns(NullLoggerFactory.Instance);
        Mock.Setup(c => c.SetCustomStatus(It.IsAny<object?>())).Callback<object?>(s => Statuses.Add((WorkflowStatus)s!));
        Mock.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns<DateTime, CancellationToken>(CreateTimer);
        Mock.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>())).Callback<object?, bool>((input, _) => ContinuedAsNewWith = input);
        Mock.Setup(c => c.WaitForExternalEvent<It.IsAnyType>(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(inv => WaitForEvent(inv.Method.GetGenericArguments()[0], (string)inv.Arguments[0], (CancellationToken)inv.Arguments[1])));
        Mock.Setup(c => c.WaitForSubmission<It.IsAnyType, It.IsAnyType>(It.IsAny<string>(),
                It.IsAny<Func<It.IsAnyType, SubmissionAcceptance<It.IsAnyType>>>(), It.IsAny<SubmissionWaitOptions?>(), It.IsAny<CancellationToken>()))
            .Returns(new InvocationFunc(inv => WaitForSubmission(inv.Method.GetGenericArguments(), (string)inv.Arguments[0], (Delegate)inv.Arguments[1],
                (SubmissionWaitOptions?)inv.Arguments[2], (CancellationToken)inv.Arguments[3])));
        Mock.Setup(c => c.CallActivityAsync<It.IsAnyType>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(new InvocationFunc(inv =>
            {
                ActivityOptions.Add((((TaskName)inv.Arguments[0]).Name, (TaskOptions?)inv.Arguments[2]));
                return Completed(inv.Method.GetGenericArguments()[0], RunActivity((TaskName)inv.Arguments[0], inv.Arguments[1]));
            }));
        Mock.Setup(c => c.CallSubOrchestratorAsync<It.IsAnyType>(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns(new InvocationFunc(inv =>
            {
                var input = inv.Arguments[1];
                string? id = (inv.Arguments[2] as SubOrchestrationOptions)?.InstanceId;
                SubOrchestrations.Add((((TaskName)inv.Arguments[0]).Name, input, id));
                return Completed(inv.Method.GetGenericArguments()[0], SubOrchestrationResult(id, input));
            }));
    }

    public Mock<TaskOrchestrationContext> Mock { get; }

    /// <summary>Runs activities the harness does not know (e.g. starting linked instances); returns their result.</summary>
    public Func<string, object?, object?>? OtherActivities { get; set; }

    /// <summary>The input the orchestrator continued as new with, if it did.</summary>
    public object? ContinuedAsNewWith { get; private set; }

    public DateTime Now { get; private set; }

    public WorkingDayCalendar Calendar { get; set; } = WorkingDayCalendar.WeekendsOnly;

    public WorkflowSettings Settings { get; } = new();

    public List<WorkflowStatus> Statuses { get; } = [];

    public List<Notification> Notifications { get; } = [];

    public List<string> Activities { get; } = [];

    public List<(string Name, object? Input, string? InstanceId)> SubOrchestrations { get; } = [];

    public List<(string Name, DateTime At)> DeliveredEvents { get; } = [];

    /// <summary>Submissions refused by the step's rules (the step stayed open).</summary>
    public List<(string EventName, SubmissionRejectedException Refusal)> Rejected { get; } = [];

    /// <summary>Submissions that arrived while the step was not open (refused, never buffered).</summary>
    public List<(string EventName, DateTime At)> NotAwaited { get; } = [];

    /// <summary>Accepted submissions with the summary the submitter read.</summary>
    public List<(string EventName, string? StepToken, string? SummaryEn)> Accepted { get; } = [];

    public int TimersCancelled { get; private set; }

    public Func<string?, object?, object?> SubOrchestrationResult { get; set; } = (id, input) => input is ProjectLifecycleInput p
        ? new ProjectOutcome(id!, p.Community, p.ProjectName, ProjectResult.Closed, p.Grant?.GrantedAmount ?? 0, (p.Grant?.GrantedAmount ?? 0) - 100, 0.95m, 1, 6)
        : null;

    /// <summary>Staff answer this step as soon as the instance waits for it (FIFO per event name).</summary>
    public OrchestrationHarness Respond(string eventName, object payload)
    {
        if (!prompt.TryGetValue(eventName, out var q))
        {
            prompt[eventName] = q = new Queue<object>();
        }

        q.Enqueue(payload);
        return this;
    }

    /// <summary>The event arrives at <paramref name="atUtc"/>, whatever the instance is doing (a submission is refused if its step is not open).</summary>
    public OrchestrationHarness RaiseAt(DateTime atUtc, string eventName, object payload)
    {
        timed.Add((atUtc, eventName, payload));
        return this;
    }

    public async Task<TOut> RunAsync<TIn, TOut>(TaskOrchestrator<TIn, TOut> orchestrator, TIn input, int maxSteps = 10_000)
    {
        var task = orchestrator.RunAsync(Mock.Object, input);
        for (int i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            if (DeliverPrompt())
            {
                continue;
            }

            var nextTimer = timers.OrderBy(t => t.FireAt).ThenBy(t => t.Id).FirstOrDefault();
            var nextEvent = timed.OrderBy(e => e.At).Cast<(DateTime At, string Name, object Payload)?>().FirstOrDefault();
            if (nextTimer is null && nextEvent is null)
            {
                throw new InvalidOperationException("The orchestration is stuck waiting for: " + string.Join(", ", waiters.Where(w => w.Value.Count > 0).Select(w => w.Key)));
            }

            if (nextEvent is { } e && (nextTimer is null || e.At <= nextTimer.FireAt))
            {
                timed.Remove(e);
                Now = e.At > Now ? e.At : Now;
                Deliver(e.Name, e.Payload);
            }
            else
            {
                timers.Remove(nextTimer!);
                Now = nextTimer!.FireAt > Now ? nextTimer.FireAt : Now;
                nextTimer.Source.TrySetResult();
            }
        }

        if (!task.IsCompleted)
        {
            throw new InvalidOperationException($"The orchestration did not finish within {maxSteps} steps.");
        }

        return await task;
    }

    private bool DeliverPrompt()
    {
        foreach (var (name, queue) in prompt)
        {
            if (queue.Count > 0 && ((waiters.TryGetValue(name, out var w) && w.Count > 0) || (submissionWaiters.TryGetValue(name, out var sw) && sw.Count > 0)))
            {
                Deliver(name, queue.Dequeue());
                return true;
            }
        }

        return false;
    }

    private void Deliver(string name, object payload)
    {
        DeliveredEvents.Add((name, Now));
        if (submissionWaiters.TryGetValue(name, out var sw) && sw.Count > 0)
        {
            var submission = sw[0];
            var refusal = submission.Submit(payload, out string? summary);
            if (refusal is null)
            {
                sw.Remove(submission);
                Accepted.Add((name, submission.StepToken, summary));
                submission.Complete();
            }
            else
            {
                Rejected.Add((name, refusal));
            }

            return;
        }

        // The processes wait for people through submissions; nothing is buffered for a later wait.
        if (!waiters.TryGetValue(name, out var eventWaiters) || eventWaiters.Count == 0)
        {
            NotAwaited.Add((name, Now));
            return;
        }

        var waiter = eventWaiters[0];
        eventWaiters.RemoveAt(0);
        waiter.Set(payload);
    }

    private Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var timer = new PendingTimer(fireAt, timers.Count + TimersCancelled + DeliveredEvents.Count);
        timers.Add(timer);
        cancellationToken.Register(() =>
        {
            if (timers.Remove(timer))
            {
                TimersCancelled++;
                timer.Source.TrySetCanceled();
            }
        });
        return timer.Source.Task;
    }

    private object WaitForEvent(Type type, string name, CancellationToken cancellationToken)
    {
        var pending = (IPending)Activator.CreateInstance(typeof(Pending<>).MakeGenericType(type))!;
        if (!waiters.TryGetValue(name, out var list))
        {
            waiters[name] = list = [];
        }

        list.Add(pending);
        cancellationToken.Register(() =>
        {
            if (list.Remove(pending))
            {
                pending.Cancel();
            }
        });
        return pending.Task;
    }

    private object WaitForSubmission(Type[] types, string name, Delegate accept, SubmissionWaitOptions? options, CancellationToken cancellationToken)
    {
        var pending = (ISubmissionPending)Activator.CreateInstance(typeof(SubmissionPending<,>).MakeGenericType(types), accept, options?.StepToken)!;
        if (!submissionWaiters.TryGetValue(name, out var list))
        {
            submissionWaiters[name] = list = [];
        }

        list.Add(pending);
        cancellationToken.Register(() =>
        {
            if (list.Remove(pending))
            {
                pending.Cancel();
            }
        });
        return pending.Task;
    }

    private object? RunActivity(TaskName name, object? input)
    {
        Activities.Add(name.Name);
        return name.Name switch
        {
            nameof(LoadCommunityProjectRulesActivity) => CommunityProjectRules.From(Settings),
            nameof(PlanHumanStepActivity) => PlanHumanStepActivity.Plan(Calendar, (PlanHumanStepRequest)input!),
            nameof(RecordNotificationActivity) => Record((Notification)input!),
            nameof(SelfManagement.LoadSelfManagementRulesActivity) => SelfManagement.SelfManagementRules.From(Settings),
            nameof(StartLinkedProjectActivity) => StartLinked((LinkedProjectStart)input!),
            nameof(Incubation.LoadIncubationRulesActivity) => Incubation.IncubationRules.From(Settings),
            _ => OtherActivities?.Invoke(name.Name, input) ?? throw new InvalidOperationException("Unknown activity " + name),
        };
    }

    /// <summary>Linked projects the instance started (the activity's input).</summary>
    public List<LinkedProjectStart> LinkedStarts { get; } = [];

    /// <summary>The options each activity call was made with (e.g. its retry policy), in call order.</summary>
    public List<(string Name, TaskOptions? Options)> ActivityOptions { get; } = [];

    /// <summary>Makes the start of a linked project fail (after its retries) when this returns true for it.</summary>
    public Func<LinkedProjectStart, bool>? LinkedStartFails { get; set; }

    private ProcessLink StartLinked(LinkedProjectStart start)
    {
        if (LinkedStartFails?.Invoke(start) == true)
        {
            throw new TaskFailedException(nameof(StartLinkedProjectActivity), 0, new TaskFailureDetails("RequestFailedException", "storage unavailable"));
        }

        LinkedStarts.Add(start);
        return new ProcessLink(LinkedProjects.InstanceId(start.ParentInstanceId, start.Key), ProjectLifecycleOrchestrator.WorkflowName, ProcessLink.Child);
    }

    private bool Record(Notification n)
    {
        Notifications.Add(n);
        return true;
    }

    private static object Completed(Type type, object? value)
        => typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(type).Invoke(null, [value])!;

    private sealed class PendingTimer(DateTime fireAt, int id)
    {
        public DateTime FireAt { get; } = fireAt;
        public int Id { get; } = id;
        public TaskCompletionSource Source { get; } = new();
    }

    private interface ISubmissionPending
    {
        object Task { get; }
        string? StepToken { get; }
        SubmissionRejectedException? Submit(object payload, out string? summary);
        void Complete();
        void Cancel();
    }

    private sealed class SubmissionPending<TPayload, TResult>(Func<TPayload, SubmissionAcceptance<TResult>> accept, string? stepToken) : ISubmissionPending
    {
        private readonly TaskCompletionSource<TResult> source = new();
        private TResult? result;

        public object Task => source.Task;

        public string? StepToken => stepToken;

        public SubmissionRejectedException? Submit(object payload, out string? summary)
        {
            summary = null;
            try
            {
                var acceptance = accept((TPayload)payload);
                result = acceptance.Result;
                summary = acceptance.SummaryEn;
                return null;
            }
            catch (SubmissionRejectedException refused)
            {
                return refused;
            }
        }

        public void Complete() => source.TrySetResult(result!);

        public void Cancel() => source.TrySetCanceled();
    }

    private interface IPending
    {
        object Task { get; }
        void Set(object value);
        void Cancel();
    }

    private sealed class Pending<T> : IPending
    {
        private readonly TaskCompletionSource<T> source = new();
        public object Task => source.Task;
        public void Set(object value) => source.TrySetResult((T)value);
        public void Cancel() => source.TrySetCanceled();
    }
}
