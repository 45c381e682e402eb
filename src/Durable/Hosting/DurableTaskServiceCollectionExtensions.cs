using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Governance.Durable;

/// <summary>Builder returned by <see cref="DurableTaskServiceCollectionExtensions.AddDurableTask"/>.</summary>
public interface IDurableTaskBuilder
{
    IServiceCollection Services { get; }

    /// <summary>Registers orchestrators and activities (may be called several times).</summary>
    IDurableTaskBuilder AddTasks(Action<DurableTaskRegistry> configure);
}

public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Adds the durable runtime on Azure Storage: the <see cref="DurableTaskClient"/>, and (unless
    /// <see cref="DurableTaskOptions.WorkerEnabled"/> is false) the worker as a hosted service. Time comes
    /// from the registered <see cref="TimeProvider"/> (the system clock unless another is registered).
    /// </summary>
    public static IDurableTaskBuilder AddDurableTask(this IServiceCollection services, Action<DurableTaskOptions>? configure = null)
    {
        var optionsBuilder = services.AddOptions<DurableTaskOptions>().ValidateDataAnnotations()
            .Validate(o => o.RecoverySweepInterval == Timeout.InfiniteTimeSpan || o.RecoverySweepInterval > TimeSpan.Zero,
                "RecoverySweepInterval must be positive, or Timeout.InfiniteTimeSpan to turn the recovery sweep off.")
            .ValidateOnStart();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        services.TryAddSingleton<Microsoft.Extensions.Logging.ILoggerFactory, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DurableTaskRegistry>();
        services.TryAddSingleton<DurableTaskHub>();
        services.TryAddSingleton<DurableTaskClient>(sp => new AzureStorageDurableTaskClient(sp.GetRequiredService<DurableTaskHub>()));
        services.AddHostedService<DurableTaskWorker>();
        return new Builder(services);
    }

    private sealed class Builder(IServiceCollection services) : IDurableTaskBuilder
    {
        public IServiceCollection Services { get; } = services;

        public IDurableTaskBuilder AddTasks(Action<DurableTaskRegistry> configure)
        {
            Services.AddSingleton<IConfigureOptions<DurableTaskRegistryOptions>>(new ConfigureOptions<DurableTaskRegistryOptions>(o => o.Configurations.Add(configure)));
            Services.Replace(ServiceDescriptor.Singleton(sp =>
            {
                var registry = new DurableTaskRegistry();
                foreach (var apply in sp.GetRequiredService<IOptions<DurableTaskRegistryOptions>>().Value.Configurations)
                {
                    apply(registry);
                }

                return registry;
            }));
            return this;
        }
    }

    private sealed class DurableTaskRegistryOptions
    {
        public List<Action<DurableTaskRegistry>> Configurations { get; } = [];
    }
}
