using Governance.Functions.Hosting;
using Governance.TestSupport;
using Governance.Workflows.Catalog;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Functions.Tests;

/// <summary>The service as these tests start it: with the test processes (<see cref="TestApproval"/>...) or the real ones.</summary>
public static class TestService
{
    /// <summary>The service with the test processes and catalog instead of the governance ones.</summary>
    public static WebApplication Build(IDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
        => GovernanceApp.Build([], new GovernanceAppOptions
        {
            UseLocalSettings = false,
            RegisterWorkflows = false,
            Tasks = r => r.AddOrchestrator<TestApproval>(TestApproval.Name).AddOrchestrator<TestAlwaysFails>(TestAlwaysFails.Name)
                .AddOrchestrator<TestThreeYears>(TestThreeYears.Name),
            Configure = b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                b.Services.AddSingleton<IWorkflowCatalog, TestCatalog>();
                services?.Invoke(b.Services);
            },
        });

    /// <summary>A service running the real governance processes (community projects...) instead of the test process.</summary>
    public static Task<ServiceHost> StartGovernanceAsync(string connectionString, string hubName)
        => ServiceHost.StartWithWorkflowsAsync(ServiceHost.Settings(connectionString, hubName));

    public static Task<ServiceHost> StartAsync(string connectionString, string hubName, Action<IServiceCollection>? services = null)
        => ServiceHost.StartAsync(Build(ServiceHost.Settings(connectionString, hubName), services));

    /// <summary>The input of <see cref="TestApproval"/>.</summary>
    public static object Input(string title = "楼道照明改造", string community = "浏河社区", string street = "清源街道", int amount = 20000, int dueInDays = 5)
        => new { title, street, community, amount, dueInDays };
}

/// <summary>One Azurite and one service for the collection.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private Azurite? azurite;
    private ServiceHost? host;

    public string ConnectionString => azurite!.ConnectionString;

    public ServiceHost Host => host!;

    public HttpClient Staff { get; private set; } = null!;
    public HttpClient Auditor { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        azurite = await Azurite.StartAsync();
        host = await TestService.StartAsync(ConnectionString, "svc" + Guid.NewGuid().ToString("N")[..10]);
        Staff = host.Client("staff");
        Auditor = host.Client("auditor");
        Admin = host.Client("admin");
        Anonymous = host.Client(null);
    }

    public async Task DisposeAsync()
    {
        if (host is not null)
        {
            await host.DisposeAsync();
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServiceCollection : ICollectionFixture<ServiceFixture>
{
    public const string Name = "service";
}

