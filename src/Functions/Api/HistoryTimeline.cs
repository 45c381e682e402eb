using System.Globalization;
using System.Text;
using Governance.Durable;
using System.Text.Json;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Functions.Api;

/// <summary>One line of the readable timeline auditors read: what happened, when, by whom.</summary>
public sealed record TimelineEntry(DateTime Timestamp, string EventType, string What, string WhatZh, string By, string? Detail);

public static class HistoryTimeline
{
    public const string System = "system";

    public static IReadOnlyList<TimelineEntry> Build(IEnumerable<HistoryEvent> history, WorkflowDefinition? definition)
    {
        var list = new List<TimelineEntry>();
        var scheduled = new Dictionary<int, string>();
        foreach (var e in history)
        {
            string by = string.IsNullOrEmpty(e.Actor) ? System : e.Actor;
            TimelineEntry? entry = e switch
            {
                ExecutionStartedEvent s => new(e.Timestamp, e.EventType,
                    $"Started {definition?.DisplayNameEn ?? s.Name}{(s.Generation > 0 ? $" (generation {s.Generation})" : string.Empty)}",
                    $"启动流程：{definition?.DisplayNameZh ?? s.Name}", by, s.Input),
                EventRaisedEvent r => Raised(r, definition, by),
                SubmissionEvent s => Submitted(s, definition, by),
                TaskScheduledEvent t => Remember(scheduled, t.EventId, t.Name, Replanned(t, by)),
                TaskCompletedEvent t when Name(scheduled, t.TaskScheduledId) == nameof(PlanHumanStepActivity) && Plan(t.Result) is { } plan =>
                    new(e.Timestamp, e.EventType, $"Due date set: {plan.DueDate:yyyy-MM-dd}{plan.Provisional?.SuffixEn}",
                        $"确定期限：{plan.DueDate:yyyy-MM-dd}{plan.Provisional?.SuffixZh}", by, t.Result),
                TaskCompletedEvent t => new(e.Timestamp, e.EventType, $"Task {Name(scheduled, t.TaskScheduledId)} done", $"任务完成：{Name(scheduled, t.TaskScheduledId)}", by, t.Result),
                TaskFailedEvent t => new(e.Timestamp, e.EventType, $"Task {Name(scheduled, t.TaskScheduledId)} failed", $"任务失败：{Name(scheduled, t.TaskScheduledId)}", by, t.Failure.ToString()),
                TimerCreatedEvent t => new(e.Timestamp, e.EventType, $"Waiting until {t.FireAt:u}", $"等待至 {t.FireAt:yyyy-MM-dd HH:mm}（UTC）", by, null),
                TimerFiredEvent t => new(e.Timestamp, e.EventType, $"Due time reached ({t.FireAt:u})", $"到期：{t.FireAt:yyyy-MM-dd HH:mm}（UTC）", by, null),
                EventSentEvent s => new(e.Timestamp, e.EventType, $"Sent '{s.Name}' to {s.InstanceId}", $"向 {s.InstanceId} 发送“{s.Name}”", by, s.Input),
                SubOrchestrationInstanceCreatedEvent s => Remember(scheduled, s.EventId, s.Name,
                    new(e.Timestamp, e.EventType, $"Started sub-process {s.Name} ({s.InstanceId})", $"启动子流程：{s.Name}（{s.InstanceId}）", by, s.Input)),
                SubOrchestrationInstanceCompletedEvent s => new(e.Timestamp, e.EventType, $"Sub-process {Name(scheduled, s.TaskScheduledId)} completed",
                    $"子流程完成：{Name(scheduled, s.TaskScheduledId)}", by, s.Result),
                SubOrchestrationInstanceFailedEvent s => new(e.Timestamp, e.EventType, $"Sub-process {Name(scheduled, s.TaskScheduledId)} failed",
                    $"子流程失败：{Name(scheduled, s.TaskScheduledId)}", by, s.Failure.ToString()),
                ExecutionCompletedEvent c => c.Status switch
                {
                    OrchestrationRuntimeStatus.Completed => new(e.Timestamp, e.EventType, "Completed", "流程完成", by, c.Result),
                    OrchestrationRuntimeStatus.Failed => new(e.Timestamp, e.EventType, "Failed", "流程失败", by, c.Failure?.ToString() ?? c.Result),
                    OrchestrationRuntimeStatus.ContinuedAsNew => new(e.Timestamp, e.EventType, "Continued with a new cycle", "进入新一轮", by, c.Result),
                    var other => new(e.Timestamp, e.EventType, other.ToString(), other.ToString(), by, c.Result),
                },
                ExecutionTerminatedEvent t => new(e.Timestamp, e.EventType, "Terminated", "流程被终止", by, t.Reason),
                ExecutionSuspendedEvent t => new(e.Timestamp, e.EventType, "Suspended", "流程被暂停", by, t.Reason),
                ExecutionResumedEvent t => new(e.Timestamp, e.EventType, "Resumed", "流程恢复", by, t.Reason),
                _ => null, // OrchestratorStarted/Completed and ContinueAsNew bookkeeping are not shown.
            };
            if (entry is not null)
            {
                list.Add(entry);
            }
        }

        return list;
    }

    private static HumanStepPlan? Plan(string? result)
    {
        try
        {
            return result is null ? null : JsonSerializer.Deserialize<HumanStepPlan>(result, DurableJson.Options);
        }
        catch (JsonException)
        {
            return null; // an unreadable result is still shown raw as "Task … done"
        }
    }

    /// <summary>"Due date moved from … to … after the 2027 holiday notice", from the notice the step recorded.</summary>
    private static TimelineEntry? Replanned(TaskScheduledEvent t, string by)
    {
        if (t.Name != nameof(RecordNotificationActivity) || t.Input is null || !t.Input.Contains(NotificationKinds.DueDateReplanned, StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            var notice = JsonSerializer.Deserialize<Notification>(t.Input, DurableJson.Options);
            return notice?.Kind == NotificationKinds.DueDateReplanned
                ? new(t.Timestamp, t.EventType, notice.MessageEn, notice.MessageZh, by, null)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TimelineEntry Raised(EventRaisedEvent r, WorkflowDefinition? definition, string by)
    {
        if (CalendarChanged.IsCalendarEvent(r.Name))
        {
            string stepName = CalendarChanged.StepOf(r.Name);
            var stepDefinition = definition?.Events.FirstOrDefault(d => d.Name == stepName);
            string stepEn = stepDefinition?.DisplayNameEn ?? stepName, stepZh = stepDefinition?.DisplayNameZh ?? stepName;
            return new(r.Timestamp, r.EventType, $"Holiday notice loaded: re-planning '{stepEn}'", $"节假日安排通知已载入：重新计算“{stepZh}”期限", by, r.Input);
        }

        var step = definition?.Events.FirstOrDefault(d => d.Name == r.Name);
        return new(r.Timestamp, r.EventType, $"Step submitted: {step?.DisplayNameEn ?? r.Name}", $"提交步骤：{step?.DisplayNameZh ?? r.Name}", by, r.Input);
    }

    /// <summary>Every submission is a line: accepted with its summary, or refused with the rule (the step stayed open).</summary>
    private static TimelineEntry Submitted(SubmissionEvent s, WorkflowDefinition? definition, string by)
    {
        var step = definition?.Events.FirstOrDefault(d => string.Equals(d.Name, s.Name, StringComparison.OrdinalIgnoreCase));
        string en = step?.DisplayNameEn ?? s.Name, zh = step?.DisplayNameZh ?? s.Name;
        var d = s.Decision;
        return d?.Status switch
        {
            SubmissionStatus.Accepted => new(s.Timestamp, "SubmissionAccepted", $"Step submitted: {en} — {d.SummaryEn}", $"提交步骤：{zh}——{d.SummaryZh}", by, s.Input),
            SubmissionStatus.Rejected => new(s.Timestamp, "SubmissionRejected", $"Submission refused: {en} — {d.MessageEn} (rule {d.Rule}{(d.Field is null ? "" : $", field {d.Field}")})",
                $"提交被退回：{zh}——{d.MessageZh}（规则 {d.Rule}）", by, s.Input),
            SubmissionStatus.WrongStep => new(s.Timestamp, "SubmissionRefused", $"Submission refused: {en} was for {s.StepToken}, the open step is {d.StepToken}",
                $"提交被拒绝：{zh}针对{s.StepToken}，当前开放的是{d.StepToken}", by, null),
            _ => new(s.Timestamp, "SubmissionRefused", $"Submission refused: {en} is not awaited now (nothing kept for later)", $"提交被拒绝：当前不等待“{zh}”（不予保留）", by, null),
        };
    }

    private static TimelineEntry? Remember(Dictionary<int, string> scheduled, int id, string name, TimelineEntry? entry)
    {
        scheduled[id] = name;
        return entry;
    }

    private static string Name(Dictionary<int, string> scheduled, int id) => scheduled.GetValueOrDefault(id, "#" + id.ToString(CultureInfo.InvariantCulture));

    /// <summary>UTF-8 with BOM so Excel shows Chinese; RFC 4180 quoting.</summary>
    public static byte[] ToCsv(IEnumerable<TimelineEntry> timeline)
    {
        var sb = new StringBuilder();
        sb.Append("time_utc,event,what,内容,by,detail\r\n");
        foreach (var e in timeline)
        {
            sb.Append(Cell(e.Timestamp.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(',')
              .Append(Cell(e.EventType)).Append(',')
              .Append(Cell(e.What)).Append(',')
              .Append(Cell(e.WhatZh)).Append(',')
              .Append(Cell(e.By)).Append(',')
              .Append(Cell(e.Detail)).Append("\r\n");
        }

        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);
        return [.. utf8.GetPreamble(), .. utf8.GetBytes(sb.ToString())];
    }

    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        // Neutralise spreadsheet formulas in user-provided text (OWASP CSV injection: = + - @ tab CR).
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
