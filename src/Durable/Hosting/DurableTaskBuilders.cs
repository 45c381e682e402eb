using Microsoft.Extensions.DependencyInjection;

namespace Governance.Durable;

/// <summary>Configures the worker added by <see cref="DurableTaskServiceCollectionExtensions.AddDurableTaskWorker"/> (Microsoft.DurableTask's shape).</summary>
public interface IDurableTaskWorkerBuilder
{
    IServiceCollection Services { get; }

    /// <summary>Registers orchestrators and activities (may be called several times).</summary>
    IDurableTaskWorkerBuilder AddTasks(Action<DurableTaskRegistry> configure);

    /// <summary>Adjusts the runtime settings (storage, hub, partitions, concurrency...).</summary>
    IDurableTaskWorkerBuilder Configure(Action<DurableTaskOptions> configure);

    /// <summary>Sets which orchestration versions this worker runs and the default version of new instances.</summary>
    IDurableTaskWorkerBuilder UseVersioning(DurableTaskWorkerOptions.VersioningOptions versioning);
}

/// <summary>Configures the client added by <see cref="DurableTaskServiceCollectionExtensions.AddDurableTaskClient"/> (Microsoft.DurableTask's shape).</summary>
public interface IDurableTaskClientBuilder
{
    IServiceCollection Services { get; }

    /// <summary>Adjusts the runtime settings (storage, hub...); client and worker of one process share them.</summary>
    IDurableTaskClientBuilder Configure(Action<DurableTaskOptions> configure);

    /// <summary>The version of instances started without one.</summary>
    IDurableTaskClientBuilder UseDefaultVersion(string version);
}

internal sealed class DurableTaskWorkerBuilder(IDurableTaskBuilder inner) : IDurableTaskWorkerBuilder
{
    public IServiceCollection Services => inner.Services;

    public IDurableTaskWorkerBuilder AddTasks(Action<DurableTaskRegistry> configure)
    {
        inner.AddTasks(configure);
        return this;
    }

    public IDurableTaskWorkerBuilder Configure(Action<DurableTaskOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    public IDurableTaskWorkerBuilder UseVersioning(DurableTaskWorkerOptions.VersioningOptions versioning)
    {
        ArgumentNullException.ThrowIfNull(versioning);
        return Configure(o =>
        {
            o.Versioning = versioning;
            o.DefaultVersion = versioning.DefaultVersion ?? o.DefaultVersion;
        });
    }
}

internal sealed class DurableTaskClientBuilder(IServiceCollection services) : IDurableTaskClientBuilder
{
    public IServiceCollection Services { get; } = services;

    public IDurableTaskClientBuilder Configure(Action<DurableTaskOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    public IDurableTaskClientBuilder UseDefaultVersion(string version) => Configure(o => o.DefaultVersion = version);
}
