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
        // Called again by AddDurableTaskWorker and AddDurableTaskClient: the validator is added once (each failure reported once).
        var optionsBuilder = services.AddOptions<DurableTaskOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DurableTaskOptions>, DurableTaskOptionsValidator>());
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

    /// <summary>
    /// Adds the worker as Microsoft.DurableTask's <c>AddDurableTaskWorker</c> does: the runtime of <see cref="AddDurableTask"/>
    /// with its worker running in this process, configured through <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddDurableTaskWorker(this IServiceCollection services, Action<IDurableTaskWorkerBuilder>? configure = null)
    {
        var builder = new DurableTaskWorkerBuilder(services.AddDurableTask());
        services.AddSingleton<WorkerRegistration>();
        // After every Configure: a process that adds a worker runs it, whatever order client and worker were added in.
        services.PostConfigure<DurableTaskOptions>(o => o.WorkerEnabled = true);
        configure?.Invoke(builder);
        return services;
    }

    /// <summary>
    /// Adds the <see cref="DurableTaskClient"/> as Microsoft.DurableTask's <c>AddDurableTaskClient</c> does. Without
    /// <see cref="AddDurableTaskWorker"/> the process is client-only: it runs no orchestrations or activities.
    /// </summary>
    public static IServiceCollection AddDurableTaskClient(this IServiceCollection services, Action<IDurableTaskClientBuilder>? configure = null)
    {
        services.AddDurableTask();
        if (!services.Any(d => d.ServiceType == typeof(WorkerRegistration)))
        {
            services.Configure<DurableTaskOptions>(o => o.WorkerEnabled = false);
        }

        configure?.Invoke(new DurableTaskClientBuilder(services));
        return services;
    }

    /// <summary>Marks that a worker was added, so a client added afterwards does not turn it off.</summary>
    private sealed class WorkerRegistration;

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

/// <summary>The options' data annotations and the rules between them, checked at start (registered once however often the runtime is added).</summary>
internal sealed class DurableTaskOptionsValidator : IValidateOptions<DurableTaskOptions>
{
    private readonly DataAnnotationValidateOptions<DurableTaskOptions> annotations = new(null);

    public ValidateOptionsResult Validate(string? name, DurableTaskOptions options)
    {
        var result = annotations.Validate(name, options);
        var failures = result.Failed ? result.Failures.ToList() : [];
        if (options.RecoverySweepInterval != Timeout.InfiniteTimeSpan && options.RecoverySweepInterval <= TimeSpan.Zero)
        {
            failures.Add("RecoverySweepInterval must be positive, or Timeout.InfiniteTimeSpan to turn the recovery sweep off.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
