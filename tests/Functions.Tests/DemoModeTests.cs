using Governance.Functions.Demo;
using Governance.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Governance.Functions.Tests;

/// <summary>Demo mode: the real workflows, an accelerated clock, every registered scenario through the HTTP API.</summary>
[Collection(ServiceCollection.Name)]
public sealed class DemoModeTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Demo_runs_every_registered_scenario_end_to_end_and_prints_timelines()
    {
        var settings = ServiceHost.Settings(fixture.ConnectionString, "demo" + Guid.NewGuid().ToString("N")[..10]);
        var app = GovernanceApp.Build([], new GovernanceAppOptions
        {
            Demo = true,
            Configure = b => b.Configuration.AddInMemoryCollection(settings),
        });
        await using var _ = app;
        var output = new StringWriter();
        int rc = await DemoRunner.RunAsync(app, output, TimeSpan.FromMinutes(3));
        string text = output.ToString();
        Assert.True(rc == 0, text);
        Assert.Contains("=== qingyuan-2007-pilot-projects ===", text);
        Assert.Contains("--- qingyuan-2007-pilot-projects: done", text);
        Assert.Contains("Demo finished: 1 scenario(s) succeeded, 0 failed.", text);
        Assert.Contains("流程完成", text);
        Assert.Contains("(demo)", text); // steps submitted by the demo key are on the record
    }
}
