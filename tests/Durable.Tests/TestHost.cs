using Governance.Durable;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Tests;

/// <summary>A worker and client on a fresh task hub in the shared Azurite, with the tasks a test registers.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly IHost host;

    private TestHost(IHost host)
    {
        this.host = host;
        Client = host.Services.GetRequiredService<DurableTaskClient>();
        Hub = host.Services.GetRequiredService<DurableTaskHub>();
    }

    public DurableTaskClient Client { get; }

    public DurableTaskHub Hub { get; }

    public IServiceProvider Services => host.Services;

    public static string NewHubName() => "T" + Guid.NewGuid().ToString("N")[..12];

    public static async Task<TestHost> StartAsync(
        AzuriteFixture azurite,
        Action<DurableTaskRegistry> tasks,
        TimeProvider? clock = null,
        Action<DurableTaskOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        string? hubName = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        services?.Invoke(builder.Services);
        builder.Services.AddDurableTask(o =>
        {
            o.ConnectionString = azurite.ConnectionString;
            o.HubName = hubName ?? NewHubName();
            o.PartitionCount = 2;
            o.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(o);
        }).AddTasks(tasks);
        var host = builder.Build();
        await host.StartAsync();
        return new TestHost(host);
    }

    /// <summary>Waits (bounded, by polling storage) until the instance finishes.</summary>
    public async Task<OrchestrationMetadata> WaitForCompletionAsync(string instanceId, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds for the instance's metadata.</summary>
    public async Task<OrchestrationMetadata> WaitUntilAsync(string instanceId, Func<OrchestrationMetadata, bool> condition, TimeSpan? timeout = null)
        => (await Eventually.UntilAsync(() => Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true), m => m is not null && condition(m),
            $"instance {instanceId} to reach the expected state", (int)Math.Ceiling((timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds), pollMilliseconds: 20))!;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await host.StopAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            host.Dispose();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}
