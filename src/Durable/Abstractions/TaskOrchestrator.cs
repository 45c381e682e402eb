namespace Governance.Durable;

/// <summary>Untyped view of an orchestrator, used by the runtime.</summary>
public interface ITaskOrchestrator
{
    Type InputType { get; }
    Type OutputType { get; }
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>
/// Base class of class-based orchestrators. The code must be deterministic: it is replayed from history.
/// </summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    Type ITaskOrchestrator.InputType => typeof(TInput);
    Type ITaskOrchestrator.OutputType => typeof(TOutput);

    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input)
        => await RunAsync(context, input is null ? default! : (TInput)input);
}

/// <summary>Untyped view of an activity, used by the runtime.</summary>
public interface ITaskActivity
{
    Type InputType { get; }
    Type OutputType { get; }
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>
/// Base class of class-based activities. Activities do the I/O; they run at least once, so they must be idempotent.
/// Constructor parameters are resolved from dependency injection.
/// </summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    Type ITaskActivity.InputType => typeof(TInput);
    Type ITaskActivity.OutputType => typeof(TOutput);

    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input)
        => await RunAsync(context, input is null ? default! : (TInput)input);
}

/// <summary>What an activity knows about its invocation.</summary>
public abstract class TaskActivityContext
{
    public abstract TaskName Name { get; }

    public abstract string InstanceId { get; }

    /// <summary>The id of the task in its orchestration's history; with <see cref="InstanceId"/> a natural idempotency key.</summary>
    public virtual int TaskId => 0;

    /// <summary>The version of the orchestration that called the activity (as in Microsoft.DurableTask).</summary>
    public virtual string Version => string.Empty;

    /// <summary>1 for the first delivery of this task; larger when the runtime redelivers it after a crash or retry.</summary>
    public virtual int Attempt => 1;
}

/// <summary>Identifies the parent of a sub-orchestration.</summary>
public sealed record ParentOrchestrationInstance(TaskName Name, string InstanceId);
