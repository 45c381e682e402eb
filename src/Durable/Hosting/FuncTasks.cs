namespace Governance.Durable;

/// <summary>An orchestrator given as a function (<see cref="DurableTaskRegistry.AddOrchestratorFunc{TInput, TOutput}(TaskName, Func{TaskOrchestrationContext, TInput, Task{TOutput}})"/>).</summary>
internal sealed class FuncTaskOrchestrator<TInput, TOutput>(Func<TaskOrchestrationContext, TInput, Task<TOutput>> run)
    : TaskOrchestrator<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input) => run(context, input);
}

/// <summary>An activity given as a function (<see cref="DurableTaskRegistry.AddActivityFunc{TInput, TOutput}(TaskName, Func{TaskActivityContext, TInput, Task{TOutput}})"/>).</summary>
internal sealed class FuncTaskActivity<TInput, TOutput>(Func<TaskActivityContext, TInput, Task<TOutput>> run)
    : TaskActivity<TInput, TOutput>
{
    public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) => run(context, input);
}
