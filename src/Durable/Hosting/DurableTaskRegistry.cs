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

    public IEnumerable<(string Name, string Version)> Orchestrators => orchestrators.Keys;

    public IEnumerable<string> Activities => activities.Keys;

    internal bool TryCreateOrchestrator(string name, string version, IServiceProvider services, out ITaskOrchestrator? orchestrator)
    {
        orchestrator = orchestrators.TryGetValue((name, version), out var factory) ? factory(services) : null;
        return orchestrator is not null;
    }

    internal bool TryCreateActivity(string name, IServiceProvider services, out ITaskActivity? activity)
    {
        activity = activities.TryGetValue(name, out var factory) ? factory(services) : null;
        return activity is not null;
    }

    internal bool HasOrchestrator(string name) => orchestrators.Keys.Any(k => k.Name == name);
}
