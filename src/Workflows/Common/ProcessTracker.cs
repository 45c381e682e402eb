using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Workflows.Catalog;

namespace Governance.Workflows.Common;

/// <summary>Who and where an instance is about; copied into every notification for search.</summary>
public sealed record ProcessKey(string Workflow, string Street, string? Community, int Year, string? Round);

/// <summary>
/// Keeps one orchestrator run's <see cref="WorkflowStatus"/> (current step and open human steps) and publishes it
/// as the custom status on every change. Lives only in the orchestrator's memory and is rebuilt by replay.
/// </summary>
public sealed class ProcessTracker(TaskOrchestrationContext context, ProcessKey key, EscalationOffsets escalation)
{
    private readonly Dictionary<string, OpenStep> openSteps = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> occurrences = new(StringComparer.Ordinal);
    private readonly List<ProcessLink> links = [];
    private readonly SortedDictionary<string, int> counters = new(StringComparer.Ordinal);
    private string? stage;
    private string stepZh = "开始";
    private string stepEn = "Started";

    public TaskOrchestrationContext Context { get; } = context;

    public ProcessKey Key { get; } = key;

    public EscalationOffsets Escalation { get; } = escalation;

    public DateTime UtcNow => DateTime.SpecifyKind(Context.CurrentUtcDateTime, DateTimeKind.Utc);

    /// <summary>Today's date in China, replay-safe.</summary>
    public DateOnly Today => ChinaTime.ToChinaDate(new DateTimeOffset(UtcNow));

    public WorkflowStatus Status => new(stepZh, stepEn, openSteps.Values.ToList(), links.Count > 0 ? links.ToList() : null)
    {
        Stage = stage,
        Counters = counters.Count > 0 ? new Dictionary<string, int>(counters) : null,
    };

    /// <summary>Sets the stage shown for views across instances.</summary>
    public void Stage(string value)
    {
        stage = value;
        Publish();
    }

    /// <summary>Adds to a running total shown in the status.</summary>
    public void Add(string counter, int amount)
    {
        counters[counter] = counters.GetValueOrDefault(counter) + amount;
        Publish();
    }

    public void Step(string zh, string en)
    {
        stepZh = zh;
        stepEn = en;
        Publish();
    }

    /// <summary>Shows a linked instance in the status (once per instance id).</summary>
    public void Link(ProcessLink link)
    {
        if (!links.Any(l => l.InstanceId == link.InstanceId))
        {
            links.Add(link);
            Publish();
        }
    }

    public void Open(OpenStep step)
    {
        openSteps[step.EventName] = step;
        Publish();
    }

    public void Escalate(string eventName, EscalationLevel level)
    {
        if (openSteps.TryGetValue(eventName, out var step))
        {
            openSteps[eventName] = step with { EscalationLevel = (int)level, EscalationLevelName = level.ToEnglish() };
            Publish();
        }
    }

    /// <summary>A new plan for an open step (after a holiday notice was loaded); its escalation level stays.</summary>
    public void Replan(string eventName, DateOnly dueDate, DateTimeOffset dueAt, ProvisionalDueDate? provisional)
    {
        if (openSteps.TryGetValue(eventName, out var step))
        {
            openSteps[eventName] = step with { DueDate = dueDate, DueAt = dueAt, Provisional = provisional };
            Publish();
        }
    }

    public void Close(string eventName)
    {
        if (openSteps.Remove(eventName))
        {
            Publish();
        }
    }

    /// <summary>1 for the first wait for <paramref name="eventName"/> in this run, 2 for the next...: makes notice ids unique and deterministic.</summary>
    public int NextOccurrence(string eventName)
    {
        int n = occurrences.GetValueOrDefault(eventName) + 1;
        occurrences[eventName] = n;
        return n;
    }

    /// <summary>
    /// Prepended to every notice id of this run. A process that continues as new (one execution per year) sets it to
    /// its year: step occurrences count from 1 again in every execution, and the outbox keeps one row per instance and
    /// notice id, so without it next year's notices would overwrite this year's.
    /// </summary>
    public string NoticeIdPrefix { get; init; } = string.Empty;

    /// <summary>Records a notice in the notification outbox through an activity (so it is in history too).</summary>
    public Task NotifyAsync(string noticeId, string kind, string eventName, string stepZh, string stepEn, string recipient,
        EscalationLevel level, DateOnly? dueDate, string messageZh, string messageEn)
        => Context.CallActivityAsync(nameof(RecordNotificationActivity), new Notification(
            Context.InstanceId, NoticeIdPrefix + noticeId, Key.Workflow, Key.Street, Key.Community, Key.Year, Key.Round,
            eventName, stepZh, stepEn, kind, recipient, (int)level, level.ToEnglish(), dueDate, Today, new DateTimeOffset(UtcNow), messageZh, messageEn));

    private void Publish() => Context.SetCustomStatus(Status);
}
