using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Core;

/// <summary>The runtime's <see cref="TaskOrchestrationContext"/>: turns calls into actions and history into results.</summary>
internal sealed class RuntimeOrchestrationContext : TaskOrchestrationContext
{
    private readonly ExecutionStartedEvent started;
    private readonly ILoggerFactory loggerFactory;
    private readonly SortedDictionary<int, OrchestrationAction> unconfirmed = new();
    private readonly Dictionary<int, IOpenTask> openTasks = new();
    private readonly Dictionary<int, TimerTask> openTimers = new();
    private readonly Dictionary<string, LinkedList<EventWaiter>> waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<EventRaisedEvent>> bufferedEvents = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LinkedList<SubmissionWaiter>> submissionWaiters = new(StringComparer.OrdinalIgnoreCase);
    private int nextActionId;
    private int guidCounter;

    public RuntimeOrchestrationContext(ExecutionStartedEvent started, ILoggerFactory loggerFactory)
    {
        this.started = started;
        this.loggerFactory = loggerFactory;
        Parent = started.Parent is null ? null : new ParentOrchestrationInstance(started.Parent.Name, started.Parent.InstanceId);
    }

    public string InstanceIdCore { get; init; } = string.Empty;

    public override TaskName Name => started.Name;

    public override string InstanceId => InstanceIdCore;

    public override string Version => started.Version;

    public override ParentOrchestrationInstance? Parent { get; }

    public DateTime CurrentUtcDateTimeCore { get; set; }

    public override DateTime CurrentUtcDateTime => CurrentUtcDateTimeCore;

    public bool IsReplayingCore { get; set; }

    public override bool IsReplaying => IsReplayingCore;

    protected override ILoggerFactory LoggerFactory => loggerFactory;

    public object? InputObject { get; set; }

    public object? CustomStatus { get; private set; }

    public (string? Input, bool PreserveUnprocessedEvents, string? Version, Dictionary<string, string>? Tags)? ContinueAsNewRequest { get; private set; }

    /// <summary>Names of the external events some code is waiting for now.</summary>
    public IReadOnlyList<string> WaitingForEvents => waiters.Where(w => w.Value.Count > 0).Select(w => w.Key)
        .Concat(submissionWaiters.Where(w => w.Value.Count > 0).Select(w => w.Key))
        .Distinct(StringComparer.OrdinalIgnoreCase).OrderBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>The submissions and events the code waits for now, submissions with their occurrence tokens.</summary>
    public IReadOnlyList<AwaitedStep> AwaitedSteps => submissionWaiters.Values.SelectMany(l => l).Select(w => new AwaitedStep(w.EventName, w.StepToken))
        .Concat(waiters.Where(w => w.Value.Count > 0).Select(w => new AwaitedStep(w.Key, null)))
        .OrderBy(a => a.EventName, StringComparer.Ordinal).ToList();

    /// <summary>The due time of the earliest timer still awaited (canceled timers excluded).</summary>
    public DateTime? NextTimerDueAt => openTimers.Values.Where(t => !t.Canceled).Select(t => (DateTime?)t.FireAt).Min();

    public override T? GetInput<T>() where T : default => InputObject is T typed ? typed : DurableJson.Deserialize<T>(started.Input);

    public override Task<TResult> CallActivityAsync<TResult>(TaskName name, object? input = null, TaskOptions? options = null)
        => WithRetry(options, () => ScheduleTask<TResult>(name, input));

    /// <summary>Runs <paramref name="attempt"/> again after a durable backoff timer while the retry policy allows.</summary>
    private async Task<TResult> WithRetry<TResult>(TaskOptions? options, Func<Task<TResult>> attempt)
    {
        if (options?.Retry?.Handler is { } handler)
        {
            return await WithRetryHandler(handler, attempt);
        }

        if (options?.Retry?.Policy is not { } policy)
        {
            return await attempt();
        }

        DateTime firstAttemptAt = CurrentUtcDateTime;
        for (int number = 1; ; number++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException failure) when (ShouldRetry(policy, number, firstAttemptAt, failure))
            {
                await CreateTimer(CurrentUtcDateTime + policy.DelayBefore(number + 1), CancellationToken.None);
            }
        }
    }

    /// <summary>Runs <paramref name="attempt"/> again, at once, while the custom handler says so (it may wait with a durable timer itself).</summary>
    private async Task<TResult> WithRetryHandler<TResult>(AsyncRetryHandler handler, Func<Task<TResult>> attempt)
    {
        DateTime firstAttemptAt = CurrentUtcDateTime;
        for (int number = 1; ; number++)
        {
            TaskFailedException failure;
            try
            {
                return await attempt();
            }
            catch (TaskFailedException failed)
            {
                failure = failed;
            }

            var retry = new RetryContext(this, number, failure.FailureDetails, CurrentUtcDateTime - firstAttemptAt, CancellationToken.None);
            if (!await handler(retry))
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }
        }
    }

    private bool ShouldRetry(RetryPolicy policy, int attempt, DateTime firstAttemptAt, TaskFailedException failure)
    {
        if (attempt >= policy.MaxNumberOfAttempts)
        {
            return false;
        }

        if (policy.RetryTimeout != Timeout.InfiniteTimeSpan && CurrentUtcDateTime - firstAttemptAt + policy.DelayBefore(attempt + 1) > policy.RetryTimeout)
        {
            return false;
        }

        return policy.HandleFailure?.Invoke(failure.FailureDetails) ?? true;
    }

    private Task<TResult> ScheduleTask<TResult>(string name, object? input)
    {
        int id = nextActionId++;
        var task = new ResultTask<TResult>(name, id);
        openTasks[id] = task;
        AddAction(new ScheduleTaskAction(id, name, DurableJson.Serialize(input)));
        return task.Task;
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        int id = nextActionId++;
        var timer = new TimerTask(DateTime.SpecifyKind(fireAt, DateTimeKind.Utc));
        openTimers[id] = timer;
        AddAction(new CreateTimerAction(id, timer.FireAt));
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() => timer.Cancel());
        }

        return timer.Task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        if (bufferedEvents.TryGetValue(eventName, out var queue) && queue.TryDequeue(out var buffered))
        {
            return Task.FromResult(DeserializeEvent<T>(buffered));
        }

        var waiter = new EventWaiter<T>();
        Enlist(waiters, eventName, waiter, waiter.Cancel, cancellationToken);
        return waiter.Task;
    }

    /// <summary>Queues a waiter under its name; cancelling the token takes it out of the queue and cancels its task.</summary>
    private static void Enlist<TWaiter>(Dictionary<string, LinkedList<TWaiter>> byName, string name, TWaiter waiter, Action cancel, CancellationToken cancellationToken)
    {
        if (!byName.TryGetValue(name, out var list))
        {
            byName[name] = list = new LinkedList<TWaiter>();
        }

        var node = list.AddLast(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                {
                    list.Remove(node);
                    cancel();
                }
            });
        }
    }

    public override Task<TResult> WaitForSubmission<TPayload, TResult>(
        string eventName, Func<TPayload, SubmissionAcceptance<TResult>> accept, SubmissionWaitOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventName);
        ArgumentNullException.ThrowIfNull(accept);
        var waiter = new SubmissionWaiter<TPayload, TResult>(eventName, options?.StepToken, accept);
        Enlist<SubmissionWaiter>(submissionWaiters, eventName, waiter, waiter.Cancel, cancellationToken);
        return waiter.Task;
    }

    /// <summary>
    /// Decides a submission that has just arrived: not awaited, wrong occurrence, rejected by the accept function (the
    /// wait stays open), or accepted (the wait completes and the orchestrator goes on in this step).
    /// </summary>
    public SubmissionDecision Decide(SubmissionEvent submission)
    {
        if (!submissionWaiters.TryGetValue(submission.Name, out var list) || list.First is not { } first)
        {
            return new SubmissionDecision(SubmissionStatus.NotAwaited,
                MessageEn: $"The instance is not waiting for '{submission.Name}' now.",
                MessageZh: $"流程当前不等待“{submission.Name}”。",
                Awaiting: AwaitedSteps);
        }

        var waiter = first.Value;
        if (submission.StepToken is not null && !string.Equals(submission.StepToken, waiter.StepToken, StringComparison.Ordinal))
        {
            return new SubmissionDecision(SubmissionStatus.WrongStep,
                MessageEn: $"The submission is for '{submission.StepToken}', but the open step is '{waiter.StepToken ?? waiter.EventName}'.",
                MessageZh: $"提交针对“{submission.StepToken}”，但当前开放的步骤是“{waiter.StepToken ?? waiter.EventName}”。",
                Awaiting: AwaitedSteps, StepToken: waiter.StepToken);
        }

        var decision = waiter.TryAccept(submission.Input);
        if (decision.Status == SubmissionStatus.Accepted)
        {
            list.Remove(first);
            waiter.CompleteAccepted();
        }

        return decision with { StepToken = waiter.StepToken };
    }

    /// <summary>Replays a submission that history says was accepted: the same wait takes it again.</summary>
    public void ReplayAccepted(SubmissionEvent submission)
    {
        if (!submissionWaiters.TryGetValue(submission.Name, out var list) || list.First is not { } first)
        {
            throw new NonDeterministicOrchestrationException(submission.EventId, $"Submission '{submission.Name}' accepted", "no wait for it");
        }

        var decision = first.Value.TryAccept(submission.Input);
        if (decision.Status != SubmissionStatus.Accepted)
        {
            throw new NonDeterministicOrchestrationException(submission.EventId, $"Submission '{submission.Name}' accepted", $"its refusal ({decision.Rule})");
        }

        list.Remove(first);
        first.Value.CompleteAccepted();
    }

    private static T DeserializeEvent<T>(EventRaisedEvent e) => DurableJson.Deserialize<T>(e.Input)!;

    public override void SendEvent(string instanceId, string eventName, object? payload)
    {
        int id = nextActionId++;
        AddAction(new SendEventAction(id, instanceId, eventName, DurableJson.Serialize(payload)));
    }

    public override void SetCustomStatus(object? customStatus) => CustomStatus = customStatus;

    public override Task<TResult> CallSubOrchestratorAsync<TResult>(TaskName orchestratorName, object? input = null, TaskOptions? options = null)
        => WithRetry(options, () => ScheduleSubOrchestrator<TResult>(orchestratorName, input, options));

    private Task<TResult> ScheduleSubOrchestrator<TResult>(string name, object? input, TaskOptions? options)
    {
        int id = nextActionId++;
        var sub = options as SubOrchestrationOptions;
        if (sub?.Tags is { } tags && InstanceTags.Validate(new Dictionary<string, string>(tags)) is { } bad)
        {
            // Refused here, in the orchestrator's code, rather than as an unreadable storage error after the commit.
            throw new ArgumentException(bad.Reason, nameof(options));
        }

        string instanceId = sub?.InstanceId ?? NewGuid().ToString("N");
        var task = new ResultTask<TResult>(name, id);
        openTasks[id] = task;
        AddAction(new CreateSubOrchestrationAction(id, name, sub?.Version ?? string.Empty, instanceId, DurableJson.Serialize(input), sub?.Tags));
        return task.Task;
    }

    public override void ContinueAsNew(object? newInput = null, bool preserveUnprocessedEvents = true)
        => ContinueAsNewRequest = (DurableJson.Serialize(newInput), preserveUnprocessedEvents, null, null);

    public override void ContinueAsNew(ContinueAsNewOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Dictionary<string, string>? tags = null;
        if (options.NewTags is { } newTags)
        {
            tags = new Dictionary<string, string>(newTags);
            if (InstanceTags.Validate(tags) is { } bad)
            {
                throw new ArgumentException(bad.Reason, nameof(options));
            }
        }

        ContinueAsNewRequest = (DurableJson.Serialize(options.NewInput), options.PreserveUnprocessedEvents,
            string.IsNullOrEmpty(options.NewVersion) ? null : options.NewVersion, tags);
    }

    public override Guid NewGuid()
    {
        // Name-based (RFC 4122 version 5 style) from the instance id, the step's time and a counter: same on every replay.
        string name = $"{InstanceId}|{started.ExecutionId}|{CurrentUtcDateTime:O}|{guidCounter++}";
        byte[] hash = SHA1.HashData(Encoding.UTF8.GetBytes(name));
        byte[] bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    private void AddAction(OrchestrationAction action) => unconfirmed[action.Id] = action;

    /// <summary>History says an action was taken; the code must have asked for the same action.</summary>
    public void ConfirmAction(HistoryEvent recorded)
    {
        if (!unconfirmed.Remove(recorded.EventId, out var action))
        {
            throw new NonDeterministicOrchestrationException(recorded.EventId, HistoryEventDescriptions.Describe(recorded), "nothing");
        }

        bool same = (action, recorded) switch
        {
            (ScheduleTaskAction a, TaskScheduledEvent e) => a.Name == e.Name,
            (CreateTimerAction, TimerCreatedEvent) => true,
            (CreateSubOrchestrationAction a, SubOrchestrationInstanceCreatedEvent e) => a.Name == e.Name && a.InstanceId == e.InstanceId,
            (SendEventAction a, EventSentEvent e) => a.EventName == e.Name && a.InstanceId == e.InstanceId,
            _ => false,
        };
        if (!same)
        {
            throw new NonDeterministicOrchestrationException(recorded.EventId, HistoryEventDescriptions.Describe(recorded), action.Describe());
        }

        if (recorded is TimerCreatedEvent timerCreated && openTimers.TryGetValue(recorded.EventId, out var timer))
        {
            // The recorded due time wins: replay must not move a timer.
            timer.FireAt = timerCreated.FireAt;
        }
    }

    public IReadOnlyList<OrchestrationAction> TakeUnconfirmedActions()
    {
        var actions = unconfirmed.Values.ToList();
        unconfirmed.Clear();
        return actions;
    }

    public IReadOnlyList<EventRaisedEvent> TakeBufferedEvents()
    {
        var events = bufferedEvents.Values.SelectMany(q => q).OrderBy(e => e.Timestamp).ToList();
        bufferedEvents.Clear();
        return events;
    }

    /// <summary>Delivers a result or an external event to whatever waits for it.</summary>
    public void Deliver(HistoryEvent e)
    {
        switch (e)
        {
            case TaskCompletedEvent c when openTasks.Remove(c.TaskScheduledId, out var task):
                task.Complete(c.Result);
                break;
            case TaskFailedEvent f when openTasks.Remove(f.TaskScheduledId, out var task):
                task.Fail(f.Failure);
                break;
            case SubOrchestrationInstanceCompletedEvent c when openTasks.Remove(c.TaskScheduledId, out var task):
                task.Complete(c.Result);
                break;
            case SubOrchestrationInstanceFailedEvent f when openTasks.Remove(f.TaskScheduledId, out var task):
                task.Fail(f.Failure);
                break;
            case TimerFiredEvent t when openTimers.Remove(t.TimerId, out var timer):
                timer.Fire();
                break;
            case EventRaisedEvent raised:
                // Several waiters on one name are served newest first (a stack), as in Microsoft.DurableTask.
                if (waiters.TryGetValue(raised.Name, out var list) && list.Last is { } newest)
                {
                    list.RemoveLast();
                    newest.Value.Complete(raised.Input);
                }
                else
                {
                    if (!bufferedEvents.TryGetValue(raised.Name, out var queue))
                    {
                        bufferedEvents[raised.Name] = queue = new Queue<EventRaisedEvent>();
                    }

                    queue.Enqueue(raised);
                }

                break;
        }
    }

    /// <summary>True when a result event refers to a task this execution still awaits (used to drop duplicates).</summary>
    public bool IsAwaitingResult(int taskId) => openTasks.ContainsKey(taskId);

    /// <summary>A timer the code cancelled is no longer awaited: its firing is dropped rather than recorded (it changes nothing on replay).</summary>
    public bool IsAwaitingTimer(int timerId) => openTimers.TryGetValue(timerId, out var timer) && !timer.Canceled;

    /// <summary>Completes a task with a JSON payload; a payload of the wrong shape faults the awaiting code instead of the runtime.</summary>
    private static void SetFromJson<T>(TaskCompletionSource<T> source, string? json)
    {
        try
        {
            source.SetResult(DurableJson.Deserialize<T>(json)!);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            source.SetException(ex);
        }
    }

    private interface IOpenTask
    {
        void Complete(string? result);

        void Fail(TaskFailureDetails failure);
    }

    private sealed class ResultTask<T>(string name, int id) : IOpenTask
    {
        private readonly TaskCompletionSource<T> source = new();

        public Task<T> Task => source.Task;

        public void Complete(string? result) => SetFromJson(source, result);

        public void Fail(TaskFailureDetails failure) => source.SetException(new TaskFailedException(name, id, failure));
    }

    private sealed class TimerTask(DateTime fireAt)
    {
        private readonly TaskCompletionSource source = new();

        public DateTime FireAt { get; set; } = fireAt;

        public bool Canceled { get; private set; }

        public Task Task => source.Task;

        public void Fire() => source.TrySetResult();

        public void Cancel()
        {
            Canceled = true;
            source.TrySetCanceled();
        }
    }

    private abstract class SubmissionWaiter(string eventName, string? stepToken)
    {
        public string EventName { get; } = eventName;

        public string? StepToken { get; } = stepToken;

        /// <summary>Runs the accept function; an accepted result is kept until <see cref="CompleteAccepted"/>.</summary>
        public abstract SubmissionDecision TryAccept(string? payload);

        public abstract void CompleteAccepted();
    }

    private sealed class SubmissionWaiter<TPayload, TResult>(string eventName, string? stepToken, Func<TPayload, SubmissionAcceptance<TResult>> accept)
        : SubmissionWaiter(eventName, stepToken)
    {
        private readonly TaskCompletionSource<TResult> source = new();
        private TResult? accepted;

        public Task<TResult> Task => source.Task;

        public override SubmissionDecision TryAccept(string? payload)
        {
            TPayload value;
            try
            {
                value = DurableJson.Deserialize<TPayload>(payload)!;
            }
            catch (System.Text.Json.JsonException ex)
            {
                string? field = string.IsNullOrEmpty(ex.Path) || ex.Path == "$" ? null : ex.Path.TrimStart('$', '.');
                return Rejected("payload.invalid", field, $"The payload does not match the step: {ex.Message}", "提交内容与该步骤的格式不符。");
            }

            if (value is null)
            {
                return Rejected("payload.required", null, "The step needs a payload.", "该步骤需要提交内容。");
            }

            SubmissionAcceptance<TResult> acceptance;
            try
            {
                acceptance = accept(value);
            }
            catch (SubmissionRejectedException refused)
            {
                return Rejected(refused.Rule, refused.Field, refused.MessageEn, refused.MessageZh);
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or OverflowException or NullReferenceException)
            {
                // A payload the accept function cannot handle is the submitter's problem, not the instance's.
                return Rejected("payload.invalid", null, ex.Message, "提交内容无法处理。");
            }

            accepted = acceptance.Result;
            return new SubmissionDecision(SubmissionStatus.Accepted, SerializeResult(acceptance.Result), acceptance.SummaryEn, acceptance.SummaryZh);
        }

        public override void CompleteAccepted() => source.TrySetResult(accepted!);

        public void Cancel() => source.TrySetCanceled();

        private static SubmissionDecision Rejected(string rule, string? field, string en, string? zh)
            => new(SubmissionStatus.Rejected, Rule: rule, Field: field, MessageEn: en, MessageZh: zh);

        private static string? SerializeResult(TResult result)
        {
            try
            {
                return DurableJson.Serialize(result);
            }
            catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException or System.Text.Json.JsonException)
            {
                return null; // the result is for the orchestrator; the summary is what the submitter reads
            }
        }
    }

    private abstract class EventWaiter
    {
        public abstract void Complete(string? payload);
    }

    private sealed class EventWaiter<T> : EventWaiter
    {
        private readonly TaskCompletionSource<T> source = new();

        public Task<T> Task => source.Task;

        public override void Complete(string? payload) => SetFromJson(source, payload);

        public void Cancel() => source.TrySetCanceled();
    }
}
