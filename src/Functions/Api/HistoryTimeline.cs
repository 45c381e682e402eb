using System.Globalization;
using System.Text;
using Governance.Durable;
using System.Text.Json;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Functions.Api;

/// <summary>One line of the readable timeline auditors read: what happened, when, by whom.</summary>
public sealed record TimelineEntry(DateTime Timestamp, string EventType, string What, string WhatZh, string By, string? Detail)
{
    /// <summary>China time (UTC+8), minutes: "2026-03-02 10:15".</summary>
    public string? TimeChina { get; init; }

    /// <summary>Who, as staff read it: the instance's community or street with the key name, e.g. "金华里社区(dev-staff)"; "系统" for the process itself.</summary>
    public string? ByZh { get; init; }

    /// <summary>The whole line in Chinese: time, who, what, key figures.</summary>
    public string? Line { get; init; }

    /// <summary>The whole line in English.</summary>
    public string? LineEn { get; init; }

    /// <summary>The submission's key figures (its numbers, yes/no answers and short texts), for steps people submitted.</summary>
    public IReadOnlyDictionary<string, string>? Figures { get; init; }

    /// <summary>True for the runtime's bookkeeping (activity results, timers, messages), shown only with ?detail=all.</summary>
    public bool Bookkeeping { get; init; }
}

public static class HistoryTimeline
{
    public const string System = "system";

    /// <summary>
    /// The readable timeline: one line per thing a person cares about (starts, submissions accepted or refused, due
    /// dates, reminders and escalations, publicity notices, endings), in Chinese and English with China time, who, and
    /// the key figures. The runtime's bookkeeping is left out unless <paramref name="includeBookkeeping"/> (it stays
    /// in the raw Durable Functions history).
    /// </summary>
    public static IReadOnlyList<TimelineEntry> Build(IEnumerable<HistoryEvent> history, WorkflowDefinition? definition, bool includeBookkeeping)
    {
        var events = history.ToList();
        var tags = events.OfType<ExecutionStartedEvent>().FirstOrDefault()?.Tags;
        string? organisation = tags?.GetValueOrDefault("community") ?? tags?.GetValueOrDefault("street");
        return Build(events, definition)
            .Where(e => includeBookkeeping || !IsBookkeeping(e))
            .Select(e => Readable(e, organisation))
            .ToList();
    }

    private static bool IsBookkeeping(TimelineEntry e)
        => e.EventType is nameof(TimerCreatedEvent) or nameof(TimerFiredEvent) or nameof(EventSentEvent)
            || (e.EventType == nameof(TaskCompletedEvent) && !e.What.StartsWith("Due date set", StringComparison.Ordinal));

    private static TimelineEntry Readable(TimelineEntry e, string? organisation)
    {
        bool system = e.By == System;
        string byZh = system ? "系统" : organisation is null ? e.By : $"{organisation}({e.By})";
        string byEn = system ? "system" : organisation is null ? e.By : $"{organisation} ({e.By})";
        string time = DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc).AddHours(8).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var figures = e.EventType.StartsWith("Submission", StringComparison.Ordinal) ? FiguresOf(e.Detail) : null;
        // The line shows the numbers and yes/no answers; texts stay in Figures (the summary already says what they mean).
        var shown = figures?.Where(f => f.Value is "true" or "false" || decimal.TryParse(f.Value, NumberStyles.Number, CultureInfo.InvariantCulture, out _)).ToList();
        string figuresText = shown is { Count: > 0 } ? " [" + string.Join(", ", shown.Select(f => $"{f.Key} {f.Value}")) + "]" : string.Empty;
        return e with
        {
            TimeChina = time,
            ByZh = byZh,
            Line = $"{time} {byZh} {e.WhatZh}{figuresText}",
            LineEn = $"{time} (China time) {byEn}: {e.What}{figuresText}",
            Figures = figures,
            Bookkeeping = IsBookkeeping(e),
        };
    }

    /// <summary>Numbers, yes/no answers and short texts of a submitted payload (top level), in payload order.</summary>
    private static Dictionary<string, string>? FiguresOf(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var figures = new Dictionary<string, string>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                string? value = p.Value.ValueKind switch
                {
                    JsonValueKind.Number => p.Value.GetRawText(),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.String when p.Value.GetString()!.Length <= 40 => p.Value.GetString(),
                    _ => null,
                };
                if (value is not null && figures.Count < 12)
                {
                    figures[p.Name] = value;
                }
            }

            return figures;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Every history event that has a line, bookkeeping included, without China time or who (see the overload).</summary>
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

    /// <summary>
    /// A notice the step recorded, as a line: "Due date moved from … to … after the 2027 holiday notice", reminders,
    /// escalations (with the level reached), publicity and objections.
    /// </summary>
    private static TimelineEntry? Replanned(TaskScheduledEvent t, string by)
    {
        if (t.Name != nameof(RecordNotificationActivity) || t.Input is null)
        {
            return null;
        }

        try
        {
            var notice = JsonSerializer.Deserialize<Notification>(t.Input, DurableJson.Options);
            return notice?.Kind switch
            {
                null => null,
                NotificationKinds.DueDateReplanned => new(t.Timestamp, t.EventType, notice.MessageEn, notice.MessageZh, by, null),
                NotificationKinds.Escalation => new(t.Timestamp, "Escalation",
                    $"Escalated to {notice.Recipient} (level {notice.EscalationLevel}): {notice.MessageEn}",
                    $"督办升级至{notice.EscalationLevelName}（{notice.Recipient}）：{notice.MessageZh}", by, null),
                NotificationKinds.Reminder => new(t.Timestamp, "Reminder", $"Reminder to {notice.Recipient}: {notice.MessageEn}", $"提醒{notice.Recipient}：{notice.MessageZh}", by, null),
                _ => new(t.Timestamp, "Notice", notice.MessageEn, notice.MessageZh, by, null),
            };
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
        sb.Append("time_china,time_utc,event,what,内容,by,detail\r\n");
        foreach (var e in timeline)
        {
            sb.Append(Cell(e.TimeChina)).Append(',')
              .Append(Cell(e.Timestamp.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))).Append(',')
              .Append(Cell(e.EventType)).Append(',')
              .Append(Cell(e.What)).Append(',')
              .Append(Cell(e.WhatZh)).Append(',')
              .Append(Cell(e.ByZh ?? e.By)).Append(',')
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
