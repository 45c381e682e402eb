namespace Governance.Workflows.Catalog;

/// <summary>
/// A process the service can run: the id used in HTTP routes, display names, the input type (validated and
/// described as a JSON schema by the service) and the human steps (external events) it accepts.
/// </summary>
public sealed record WorkflowDefinition(
    string Name,
    string DisplayNameZh,
    string DisplayNameEn,
    string OrchestratorName,
    Type InputType,
    IReadOnlyList<WorkflowEventDefinition> Events)
{
    /// <summary>Search tags (street, community, year, round...) derived from a valid input.</summary>
    public Func<object, IReadOnlyDictionary<string, string>> TagsFromInput { get; init; } = _ => new Dictionary<string, string>();

    /// <summary>
    /// The process that starts instances of this one (e.g. an estate problem is started by its committee), or null
    /// when people start it. Such a process is listed for its steps, inbox and history, but the API refuses to start it
    /// directly: its parent checks the rules and links the two.
    /// </summary>
    public string? StartedBy { get; init; }
}

/// <summary>A human step: the external event that carries its result, who is responsible for it, and its payload type.</summary>
public sealed record WorkflowEventDefinition(
    string Name,
    string DisplayNameZh,
    string DisplayNameEn,
    Type PayloadType,
    string ResponsibleRole);

/// <summary>Every process registered in this service.</summary>
public interface IWorkflowCatalog
{
    IReadOnlyList<WorkflowDefinition> Workflows { get; }

    WorkflowDefinition? Find(string name);
}

/// <summary>
/// The custom status every governance orchestrator sets: the current step in Chinese and English and the open
/// human steps with due dates and escalation level. The staff inbox (GET /api/tasks) is built from it.
/// <see cref="Links"/>: instances linked to this one (e.g. a project a committee started, and its committee).
/// </summary>
public sealed record WorkflowStatus(string StepZh, string StepEn, IReadOnlyList<OpenStep> OpenSteps, IReadOnlyList<Common.ProcessLink>? Links = null)
{
    /// <summary>The process's stage for views across instances (e.g. an incubation's stage 1–4, or "graduated").</summary>
    public string? Stage { get; init; }

    /// <summary>Running totals for views across instances (e.g. activists trained so far).</summary>
    public IReadOnlyDictionary<string, int>? Counters { get; init; }
}

/// <summary>A human step the instance is waiting for; <see cref="Provisional"/> is set when its due date may still move.</summary>
public sealed record OpenStep(
    string EventName,
    string StepZh,
    string StepEn,
    string ResponsibleRole,
    DateOnly DueDate,
    DateTimeOffset DueAt,
    int EscalationLevel,
    string EscalationLevelName,
    string? StepToken = null,
    ProvisionalDueDate? Provisional = null);
