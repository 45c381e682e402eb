using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Governance.Durable.Tests.Fidelity;

/// <summary>The host is set up as with Microsoft.DurableTask: AddDurableTaskWorker and AddDurableTaskClient, with worker versioning.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BuilderShapeTests(AzuriteFixture azurite)
{
    private static void Versioned(DurableTaskRegistry tasks) => tasks
        .AddOrchestratorFunc<string?, string>("Versioned", (context, _) => context.CallActivityAsync<string>("Echo", context.Version))
        .AddActivityFunc<string, string>("Echo", (_, input) => $"Orchestration version: {input}");

    private async Task<IHost> StartAsync(Action<IServiceCollection> durable)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        durable(builder.Services);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private void Storage(DurableTaskOptions o, string hub)
    {
        o.ConnectionString = azurite.ConnectionString;
        o.HubName = hub;
        o.PartitionCount = 2;
        o.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200);
    }

    private static async Task<OrchestrationMetadata> RunAsync(IHost host)
    {
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string id = await client.ScheduleNewOrchestrationInstanceAsync("Versioned", input: string.Empty, cts.Token);
        return await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cts.Token);
    }

    [Fact]
    public async Task A_worker_and_a_client_added_the_Microsoft_DurableTask_way_run_orchestrations_at_the_client_default_version()
    {
        string hub = TestHost.NewHubName();
        using var host = await StartAsync(services => services
            .AddDurableTaskClient(b => b.Configure(o => Storage(o, hub)).UseDefaultVersion("1.2"))
            .AddDurableTaskWorker(b => b.AddTasks(Versioned)));

        var done = await RunAsync(host);

        Assert.True(host.Services.GetRequiredService<IOptions<DurableTaskOptions>>().Value.WorkerEnabled);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("Orchestration version: 1.2", done.ReadOutputAs<string>());
        await host.StopAsync();
    }

    [Fact]
    public async Task A_bad_setting_stops_a_host_with_worker_and_client_naming_it_once()
    {
        string hub = TestHost.NewHubName();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services
            .AddDurableTaskClient(b => b.Configure(o => { Storage(o, hub); o.PartitionCount = 99; }))
            .AddDurableTaskWorker(b => b.AddTasks(Versioned));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Single(ex.Failures, f => f.Contains("PartitionCount", StringComparison.Ordinal));
        Assert.Single(host.Services.GetServices<IValidateOptions<DurableTaskOptions>>());
    }

    [Fact]
    public async Task A_process_with_only_a_client_runs_no_worker()
    {
        var services = new ServiceCollection().AddDurableTaskClient(b => b.Configure(o => o.HubName = "ClientOnly"));
        await using var provider = services.BuildServiceProvider();

        Assert.False(provider.GetRequiredService<IOptions<DurableTaskOptions>>().Value.WorkerEnabled);
        Assert.NotNull(provider.GetRequiredService<DurableTaskClient>());
    }

    [Theory]
    [InlineData(DurableTaskWorkerOptions.VersionMatchStrategy.None, "0.1", "0.2", true)]
    [InlineData(DurableTaskWorkerOptions.VersionMatchStrategy.Strict, "0.1", "0.2", false)]
    [InlineData(DurableTaskWorkerOptions.VersionMatchStrategy.Strict, "0.2", "0.2", true)]
    [InlineData(DurableTaskWorkerOptions.VersionMatchStrategy.CurrentOrOlder, "0.1", "0.2", false)]
    [InlineData(DurableTaskWorkerOptions.VersionMatchStrategy.CurrentOrOlder, "0.3", "0.2", true)]
    public async Task Worker_versioning_runs_the_versions_it_matches_and_fails_the_others(
        DurableTaskWorkerOptions.VersionMatchStrategy match, string workerVersion, string clientVersion, bool runs)
    {
        string hub = TestHost.NewHubName();
        using var host = await StartAsync(services => services
            .AddDurableTaskWorker(b => b.Configure(o => Storage(o, hub)).AddTasks(Versioned).UseVersioning(new DurableTaskWorkerOptions.VersioningOptions
            {
                Version = workerVersion,
                MatchStrategy = match,
                FailureStrategy = DurableTaskWorkerOptions.VersionFailureStrategy.Fail,
            }))
            .AddDurableTaskClient(b => b.UseDefaultVersion(clientVersion)));

        var done = await RunAsync(host);

        if (runs)
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            Assert.Equal($"Orchestration version: {clientVersion}", done.ReadOutputAs<string>());
        }
        else
        {
            Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
            Assert.Equal("VersionMismatch", done.FailureDetails!.ErrorType);
        }

        await host.StopAsync();
    }
}
