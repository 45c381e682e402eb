using System.Globalization;
using System.Text.Json;

namespace Governance.Durable.Audit;

/// <summary>What one record will say, before it is numbered and chained.</summary>
public sealed record AuditDraft(string Kind, string Actor, DateTime At, string? ExecutionId, IReadOnlyDictionary<string, string> Figures);

/// <summary>
/// Turns the history events of one step into audit drafts: only what a person would ask about (starts, submissions
/// and their decisions, raised events, linked instances, endings, suspensions); the runtime's bookkeeping (activities,
/// timers, step markers) stays in the history only.
/// </summary>
public static class AuditRecordBuilder
{
    /// <summary>Records one step may add (the rest is folded into one record), so the commit fits one table transaction.</summary>
    public const int MaxRecordsPerStep = 30;

    private const int MaxFigures = 40;
    private const int MaxFigureLength = 500;

    public static List<AuditDraft> DraftsFor(string? executionId, IEnumerable<HistoryEvent> events, ISet<string>? auditedActivities = null)
    {
        var drafts = events.Select(e => DraftOf(executionId, e, auditedActivities)).OfType<AuditDraft>().ToList();
        if (drafts.Count <= MaxRecordsPerStep)
        {
            return drafts;
        }

        var kept = drafts.Take(MaxRecordsPerStep - 1).ToList();
        var rest = drafts.Skip(MaxRecordsPerStep - 1).ToList();
        var figures = new Dictionary<string, string> { ["count"] = rest.Count.ToString(CultureInfo.InvariantCulture) };
        foreach (var group in rest.GroupBy(d => d.Kind))
        {
            figures["kind." + group.Key] = group.Count().ToString(CultureInfo.InvariantCulture);
        }

        kept.Add(new AuditDraft(AuditKinds.Folded, AuditRecord.SystemActor, rest[^1].At, executionId, figures));
        return kept;
    }

    public static AuditDraft? DraftOf(string? executionId, HistoryEvent e, ISet<string>? auditedActivities = null)
    {
        var f = new Dictionary<string, string>(StringComparer.Ordinal);
        string? kind;
        switch (e)
        {
            case ExecutionStartedEvent s:
                kind = AuditKinds.InstanceStarted;
                f["name"] = s.Name;
                f["version"] = s.Version;
                f["generation"] = s.Generation.ToString(CultureInfo.InvariantCulture);
                executionId = s.ExecutionId;
                if (s.Parent is { } parent)
                {
                    f["parentInstanceId"] = parent.InstanceId;
                }

                foreach (var (key, value) in s.Tags ?? new Dictionary<string, string>())
                {
                    f["tag." + key] = value;
                }

                AddPayload(f, "input", s.Input);
                break;
            case SubmissionEvent { Decision: { } d } s:
                kind = d.Status switch
                {
                    SubmissionStatus.Accepted => AuditKinds.SubmissionAccepted,
                    SubmissionStatus.Rejected => AuditKinds.SubmissionRejected,
                    SubmissionStatus.WrongStep => AuditKinds.SubmissionWrongStep,
                    _ => AuditKinds.SubmissionNotAwaited,
                };
                f["step"] = s.Name;
                f["submissionId"] = s.SubmissionId;
                f["attempt"] = s.Attempt.ToString(CultureInfo.InvariantCulture);
                f["bodySha256"] = s.BodyHash.ToLowerInvariant();
                Add(f, "stepToken", d.StepToken ?? s.StepToken);
                Add(f, "summary", d.SummaryEn);
                Add(f, "summaryZh", d.SummaryZh);
                Add(f, "rule", d.Rule);
                Add(f, "field", d.Field);
                Add(f, "reason", d.MessageEn);
                Add(f, "reasonZh", d.MessageZh);
                AddPayload(f, "input", s.Input);
                break;
            case EventRaisedEvent r:
                kind = AuditKinds.EventRaised;
                f["event"] = r.Name;
                AddPayload(f, "input", r.Input);
                break;
            case TaskScheduledEvent t when auditedActivities?.Contains(t.Name) == true:
                kind = AuditKinds.TaskRecorded;
                f["task"] = t.Name;
                AddPayload(f, "input", t.Input);
                break;
            case SubOrchestrationInstanceCreatedEvent c:
                kind = AuditKinds.InstanceLinked;
                f["childName"] = c.Name;
                f["childInstanceId"] = c.InstanceId;
                break;
            case ExecutionCompletedEvent c when c.Status != OrchestrationRuntimeStatus.Terminated:
                kind = c.Status switch
                {
                    OrchestrationRuntimeStatus.Completed => AuditKinds.InstanceCompleted,
                    OrchestrationRuntimeStatus.ContinuedAsNew => AuditKinds.InstanceContinuedAsNew,
                    _ => AuditKinds.InstanceFailed,
                };
                f["status"] = c.Status.ToString();
                Add(f, "failureType", c.Failure?.ErrorType);
                Add(f, "failureMessage", c.Failure?.ErrorMessage);
                AddPayload(f, "output", c.Result);
                break;
            case ExecutionTerminatedEvent t:
                kind = AuditKinds.InstanceTerminated;
                Add(f, "reason", t.Reason);
                break;
            case ExecutionSuspendedEvent s:
                kind = AuditKinds.InstanceSuspended;
                Add(f, "reason", s.Reason);
                break;
            case ExecutionResumedEvent r:
                kind = AuditKinds.InstanceResumed;
                Add(f, "reason", r.Reason);
                break;
            case MessagePoisonedEvent p:
                kind = AuditKinds.MessagePoisoned;
                f["messageId"] = p.PoisonedMessageId;
                Add(f, "reason", p.Reason);
                break;
            default:
                kind = null;
                break;
        }

        return kind is null ? null : new AuditDraft(kind, string.IsNullOrEmpty(e.Actor) ? AuditRecord.SystemActor : e.Actor, e.Timestamp, executionId, f);
    }

    private static void Add(Dictionary<string, string> figures, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value) && figures.Count < MaxFigures)
        {
            figures[key] = value.Length <= MaxFigureLength ? value : value[..MaxFigureLength] + "…";
        }
    }

    /// <summary>The payload's hash (so the whole is provable) and its scalar fields, one level of nesting deep.</summary>
    private static void AddPayload(Dictionary<string, string> figures, string prefix, string? json)
    {
        if (json is null)
        {
            return;
        }

        figures[prefix + "Sha256"] = AuditCanonicalForm.Sha256Hex(json);
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(json).RootElement;
        }
        catch (JsonException)
        {
            return;
        }

        AddElement(figures, prefix, root, depth: 0);
    }

    private static void AddElement(Dictionary<string, string> figures, string path, JsonElement element, int depth)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when depth < 2:
                foreach (var property in element.EnumerateObject())
                {
                    AddElement(figures, path + "." + property.Name, property.Value, depth + 1);
                }

                break;
            case JsonValueKind.Array when depth < 2 && element.GetArrayLength() <= 10 && element.EnumerateArray().All(IsScalar):
                Add(figures, path, string.Join(", ", element.EnumerateArray().Select(Scalar)));
                break;
            case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                Add(figures, path, Scalar(element));
                break;
        }
    }

    private static bool IsScalar(JsonElement e) => e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False;

    private static string Scalar(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
}
