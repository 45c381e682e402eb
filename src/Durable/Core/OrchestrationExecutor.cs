using Microsoft.Extensions.Logging;

namespace Governance.Durable.Core;

/// <summary>What one orchestration step produced.</summary>
internal sealed class StepOutcome
{
    public List<OrchestrationAction> NewActions { get; } = [];
    public bool IsCompleted { get; set; }
    public OrchestrationRuntimeStatus Status { get; set; } = OrchestrationRuntimeStatus.Running;
    public string? Output { get; set; }
    public TaskFailureDetails? Failure { get; set; }
    public bool ContinuedAsNew { get; set; }
    public string? ContinueAsNewInput { get; set; }

    /// <summary>The version the next execution runs as, when the orchestrator asked for another one.</summary>
    public string? ContinueAsNewVersion { get; set; }

    /// <summary>The next execution's tags, when the orchestrator gave new ones.</summary>
    public Dictionary<string, string>? ContinueAsNewTags { get; set; }
    public List<EventRaisedEvent> CarryOverEvents { get; } = [];

    /// <summary>Submissions that arrived in this step, with the decision the orchestrator took (to be recorded instead).</summary>
    public Dictionary<SubmissionEvent, SubmissionEvent> DecidedSubmissions { get; } = new(ReferenceEqualityComparer.Instance);
}

/// <summary>
/// Runs an orchestrator against its history. The executor is kept in memory between steps (extended sessions):
/// past events are replayed once when it is created, then each step applies only the new events.
/// </summary>
internal sealed class OrchestrationExecutor
{
    private readonly OrchestrationSynchronizationContext syncContext = new();
    private readonly RuntimeOrchestrationContext context;
    private readonly ITaskOrchestrator orchestrator;
    private Task<object?>? run;
    private bool completed;
    private readonly Dictionary<SubmissionEvent, SubmissionEvent> decided = new(ReferenceEqualityComparer.Instance);

    private readonly WorkerDiagnostics diagnostics;

    public OrchestrationExecutor(string instanceId, ITaskOrchestrator orchestrator, ExecutionStartedEvent started, ILoggerFactory loggerFactory, WorkerDiagnostics? diagnostics = null)
    {
        this.orchestrator = orchestrator;
        this.diagnostics = diagnostics ?? WorkerDiagnostics.None;
        context = new RuntimeOrchestrationContext(started, loggerFactory) { InstanceIdCore = instanceId };
    }

    public RuntimeOrchestrationContext Context => context;

    /// <summary>Replays committed events. Throws <see cref="NonDeterministicOrchestrationException"/> on divergence.</summary>
    public void Replay(IReadOnlyList<HistoryEvent> past)
    {
        context.IsReplayingCore = true;
        foreach (var e in past)
        {
            Apply(e);
        }

        context.IsReplayingCore = false;
    }

    /// <summary>
    /// Applies a step's new events (the first is an <see cref="OrchestratorStartedEvent"/>) and returns what the
    /// orchestrator did. Actions produced during replay that history never confirmed are new too.
    /// </summary>
    public StepOutcome Execute(IReadOnlyList<HistoryEvent> newEvents)
    {
        context.IsReplayingCore = false;
        foreach (var e in newEvents)
        {
            Apply(e);
        }

        var outcome = new StepOutcome();
        foreach (var (arrived, recorded) in decided)
        {
            outcome.DecidedSubmissions[arrived] = recorded;
        }

        decided.Clear();
        outcome.NewActions.AddRange(context.TakeUnconfirmedActions());
        if (run is { IsCompleted: true } && !completed)
        {
            completed = true;
            outcome.IsCompleted = true;
            if (run.IsFaulted)
            {
                Exception error = run.Exception!.InnerExceptions.Count == 1 ? run.Exception.InnerException! : run.Exception;
                if (error is NonDeterministicOrchestrationException)
                {
                    throw error;
                }

                outcome.Status = OrchestrationRuntimeStatus.Failed;
                outcome.Failure = diagnostics.Describe(error);
                diagnostics.OrchestrationFailed(error, context.InstanceId, context.Name);
            }
            else if (run.IsCanceled)
            {
                outcome.Status = OrchestrationRuntimeStatus.Failed;
                outcome.Failure = new TaskFailureDetails(typeof(TaskCanceledException).FullName!, "The orchestrator was canceled.");
                diagnostics.OrchestrationFailed(new TaskCanceledException(outcome.Failure.ErrorMessage), context.InstanceId, context.Name);
            }
            else if (context.ContinueAsNewRequest is { } request)
            {
                outcome.Status = OrchestrationRuntimeStatus.ContinuedAsNew;
                outcome.ContinuedAsNew = true;
                outcome.ContinueAsNewInput = request.Input;
                outcome.ContinueAsNewVersion = request.Version;
                outcome.ContinueAsNewTags = request.Tags;
                if (request.PreserveUnprocessedEvents)
                {
                    outcome.CarryOverEvents.AddRange(context.TakeBufferedEvents());
                }
            }
            else
            {
                outcome.Status = OrchestrationRuntimeStatus.Completed;
                outcome.Output = DurableJson.Serialize(run.Result);
            }

            if (outcome.Status != OrchestrationRuntimeStatus.Failed)
            {
                diagnostics.OrchestrationCompleted(context.InstanceId, context.Name);
            }
        }

        return outcome;
    }

    private void Apply(HistoryEvent e)
    {
        switch (e)
        {
            case OrchestratorStartedEvent:
                context.CurrentUtcDateTimeCore = e.Timestamp;
                break;
            case ExecutionStartedEvent started:
                context.CurrentUtcDateTimeCore = context.CurrentUtcDateTimeCore == default ? e.Timestamp : context.CurrentUtcDateTimeCore;
                syncContext.Run(() => run = StartOrchestrator(started));
                break;
            case TaskScheduledEvent or TimerCreatedEvent or SubOrchestrationInstanceCreatedEvent or EventSentEvent:
                context.ConfirmAction(e);
                break;
            case TaskCompletedEvent or TaskFailedEvent or TimerFiredEvent or SubOrchestrationInstanceCompletedEvent
                or SubOrchestrationInstanceFailedEvent or EventRaisedEvent:
                syncContext.Run(() => context.Deliver(e));
                break;
            case SubmissionEvent { Decision: null } arrived when !completed:
                syncContext.Run(() => decided[arrived] = arrived with { Decision = context.Decide(arrived) });
                break;
            case SubmissionEvent { Decision: null } late:
                decided[late] = late with { Decision = new SubmissionDecision(SubmissionStatus.NotAwaited,
                    MessageEn: "The instance has finished.", MessageZh: "流程已结束。") };
                break;
            case SubmissionEvent { Decision.Status: SubmissionStatus.Accepted } accepted:
                syncContext.Run(() => context.ReplayAccepted(accepted));
                break;
            default:
                // OrchestratorCompleted, ExecutionCompleted, suspend/resume/terminate markers: nothing to replay.
                break;
        }
    }

    private Task<object?> StartOrchestrator(ExecutionStartedEvent started)
    {
        try
        {
            object? input = DurableJson.Deserialize(started.Input, orchestrator.InputType);
            context.InputObject = input;
            if (!context.IsReplaying)
            {
                diagnostics.OrchestrationStarted(context.InstanceId, context.Name);
            }

            return orchestrator.RunAsync(context, input);
        }
        catch (Exception ex)
        {
            return Task.FromException<object?>(ex);
        }
    }
}
