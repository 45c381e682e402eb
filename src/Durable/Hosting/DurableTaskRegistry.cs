using Microsoft.Extensions.DependencyInjection;

namespace Governance.Durable;

/// <summary>
/// The orchestrators and activities this host can run, by name (and, for orchestrators, version).
/// Several versions of one orchestrator may be registered side by side.
/// </summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<(string Name, string Version), Func<IServiceProvider, ITaskOrchestrator>> orchestrators = new();
    private readonly Dictionary<string, Func<IServiceProvider, ITaskActivity>> activities = new(StringComparer.Ordinal);

    /// <summary>Registers orchestrator <typeparamref name="T"/> under its class name (or <paramref name="name"/>) and version.</summary>
    public DurableTaskRegistry AddOrchestrator<T>(string? name = null, string version = "") where T : class, ITaskOrchestrator
    {
        orchestrators[(name ?? typeof(T).Name, version)] = sp => ActivatorUtilities.CreateInstance<T>(sp);
        return this;
    }

    public DurableTaskRegistry AddOrchestrator(string name, string version, Func<ITaskOrchestrator> factory)
    {
        orchestrators[(name, version)] = _ => factory();
        return this;
    }

    /// <summary>Registers activity <typeparamref name="T"/> under its class name; constructor arguments come from DI.</summary>
    public DurableTaskRegistry AddActivity<T>(string? name = null) where T : class, ITaskActivity
    {
        activities[name ?? typeof(T).Name] = sp => ActivatorUtilities.CreateInstance<T>(sp);
        return this;
    }

    public DurableTaskRegistry AddActivity(string name, Func<ITaskActivity> factory)
    {
        activities[name] = _ => factory();
        return this;
    }

    // Function-style registration, the same overload set as Microsoft.DurableTask's registry. A function has no
    // version of its own: it is registered without one and so serves every version (see TryCreateOrchestrator).
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(TaskName name, Func<TaskOrchestrationContext, TInput, Task<TOutput>> orchestrator)
        => AddOrchestratorFunc(name, string.Empty, orchestrator);

    /// <summary>Registers a function orchestrator for one version, side by side with others of the same name.</summary>
    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(TaskName name, string version, Func<TaskOrchestrationContext, TInput, Task<TOutput>> orchestrator)
    {
        ArgumentNullException.ThrowIfNull(orchestrator);
        return AddOrchestrator(name, version, () => new FuncTaskOrchestrator<TInput, TOutput>(orchestrator));
    }

    public DurableTaskRegistry AddOrchestratorFunc<TInput, TOutput>(TaskName name, Func<TaskOrchestrationContext, TInput, TOutput> orchestrator)
        => AddOrchestratorFunc<TInput, TOutput>(name, (context, input) => Task.FromResult(orchestrator(context, input)));

    public DurableTaskRegistry AddOrchestratorFunc<TInput>(TaskName name, Func<TaskOrchestrationContext, TInput, Task> orchestrator)
        => AddOrchestratorFunc<TInput, object?>(name, async (context, input) =>
        {
            await orchestrator(context, input);
            return null;
        });

    public DurableTaskRegistry AddOrchestratorFunc<TOutput>(TaskName name, Func<TaskOrchestrationContext, Task<TOutput>> orchestrator)
        => AddOrchestratorFunc<object?, TOutput>(name, (context, _) => orchestrator(context));

    public DurableTaskRegistry AddOrchestratorFunc(TaskName name, Func<TaskOrchestrationContext, Task> orchestrator)
        => AddOrchestratorFunc<object?, object?>(name, async (context, _) =>
        {
            await orchestrator(context);
            return null;
        });

    public DurableTaskRegistry AddOrchestratorFunc<TOutput>(TaskName name, Func<TaskOrchestrationContext, TOutput> orchestrator)
        => AddOrchestratorFunc<object?, TOutput>(name, (context, _) => Task.FromResult(orchestrator(context)));

    public DurableTaskRegistry AddOrchestratorFunc<TInput>(TaskName name, Action<TaskOrchestrationContext, TInput> orchestrator)
        => AddOrchestratorFunc<TInput, object?>(name, (context, input) =>
        {
            orchestrator(context, input);
            return Task.FromResult<object?>(null);
        });

    public DurableTaskRegistry AddOrchestratorFunc(TaskName name, Action<TaskOrchestrationContext> orchestrator)
        => AddOrchestratorFunc<object?, object?>(name, (context, _) =>
        {
            orchestrator(context);
            return Task.FromResult<object?>(null);
        });

    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(TaskName name, Func<TaskActivityContext, TInput, Task<TOutput>> activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return AddActivity(name, () => new FuncTaskActivity<TInput, TOutput>(activity));
    }

    public DurableTaskRegistry AddActivityFunc<TInput, TOutput>(TaskName name, Func<TaskActivityContext, TInput, TOutput> activity)
        => AddActivityFunc<TInput, TOutput>(name, (context, input) => Task.FromResult(activity(context, input)));

    public DurableTaskRegistry AddActivityFunc<TInput>(TaskName name, Func<TaskActivityContext, TInput, Task> activity)
        => AddActivityFunc<TInput, object?>(name, async (context, input) =>
        {
            await activity(context, input);
            return null;
        });

    public DurableTaskRegistry AddActivityFunc<TOutput>(TaskName name, Func<TaskActivityContext, Task<TOutput>> activity)
        => AddActivityFunc<object?, TOutput>(name, (context, _) => activity(context));

    public DurableTaskRegistry AddActivityFunc(TaskName name, Func<TaskActivityContext, Task> activity)
        => AddActivityFunc<object?, object?>(name, async (context, _) =>
        {
            await activity(context);
            return null;
        });

    public DurableTaskRegistry AddActivityFunc<TOutput>(TaskName name, Func<TaskActivityContext, TOutput> activity)
        => AddActivityFunc<object?, TOutput>(name, (context, _) => Task.FromResult(activity(context)));

    public DurableTaskRegistry AddActivityFunc<TInput>(TaskName name, Action<TaskActivityContext, TInput> activity)
        => AddActivityFunc<TInput, object?>(name, (context, input) =>
        {
            activity(context, input);
            return Task.FromResult<object?>(null);
        });

    public DurableTaskRegistry AddActivityFunc(TaskName name, Action<TaskActivityContext> activity)
        => AddActivityFunc<object?, object?>(name, (context, _) =>
        {
            activity(context);
            return Task.FromResult<object?>(null);
        });

    public IEnumerable<(string Name, string Version)> Orchestrators => orchestrators.Keys;

    public IEnumerable<string> Activities => activities.Keys;

    internal bool TryCreateOrchestrator(string name, string version, IServiceProvider services, out ITaskOrchestrator? orchestrator)
    {
        // The exact version first; an orchestrator registered without a version serves every version (as in
        // Microsoft.DurableTask), so side-by-side versions are opt-in.
        orchestrator = orchestrators.TryGetValue((name, version), out var factory) || orchestrators.TryGetValue((name, string.Empty), out factory)
            ? factory(services) : null;
        return orchestrator is not null;
    }

    internal bool TryCreateActivity(string name, IServiceProvider services, out ITaskActivity? activity)
    {
        activity = activities.TryGetValue(name, out var factory) ? factory(services) : null;
        return activity is not null;
    }

    internal bool HasOrchestrator(string name) => orchestrators.Keys.Any(k => k.Name == name);
}
