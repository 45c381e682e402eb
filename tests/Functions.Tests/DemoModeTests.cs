using Governance.Functions.Demo;
using Governance.Functions.Hosting;
using Governance.Workflows.Catalog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Functions.Tests;

/// <summary>A scenario over the test process, driven only through <see cref="IDemoDriver"/>.</summary>
public sealed class TestDemoScenario : IDemoScenario
{
    public string Name => "test-approval-demo";

    public async Task RunAsync(IDemoDriver driver, CancellationToken cancellationToken)
    {
        driver.Say("浏河社区提交楼道照明改造申请。");
        string id = await driver.StartAsync(TestCatalog.Workflow, new ApprovalInput("楼道照明改造", "清源街道", "浏河社区", 18000), null, cancellationToken);
        await driver.WaitForStepAsync(id, "submit", cancellationToken);
        await driver.SubmitAsync(id, "submit", new SubmitPayload("王主任", 120, null), cancellationToken);
        await driver.WaitForStepAsync(id, "approve", cancellationToken);
        await driver.SubmitAsync(id, "approve", new ApprovePayload(true, "符合条件"), cancellationToken);
        await driver.WaitForCompletionAsync(id, cancellationToken);
    }
}

/// <summary>Demo mode: accelerated clock, every registered scenario through the HTTP API, timelines printed.</summary>
[Collection(ServiceCollection.Name)]
public sealed class DemoModeTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Demo_runs_every_registered_scenario_end_to_end_and_prints_timelines()
    {
        var settings = ServiceHost.Settings(fixture.ConnectionString, "demo" + Guid.NewGuid().ToString("N")[..10]);
        var app = GovernanceApp.Build([], new GovernanceAppOptions
        {
            UseLocalSettings = false,
            Demo = true,
            RegisterWorkflows = false,
            Tasks = r => r.AddOrchestrator<TestApproval>(TestApproval.Name),
            Configure = b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                b.Services.AddSingleton<IWorkflowCatalog, TestCatalog>();
                b.Services.AddSingleton<IDemoScenario, TestDemoScenario>();
            },
        });
        await using var _ = app;
        Assert.IsType<Governance.Durable.AcceleratedTimeProvider>(app.Services.GetRequiredService<TimeProvider>());

        var output = new StringWriter();
        int rc = await DemoRunner.RunAsync(app, output, TimeSpan.FromMinutes(2));
        string text = output.ToString();
        Assert.True(rc == 0, text);
        Assert.Contains("=== test-approval-demo ===", text);
        Assert.Contains("--- test-approval-demo: done", text);
        Assert.Contains("Demo finished: 1 scenario(s) succeeded, 0 failed.", text);
        Assert.Contains("启动流程：测试审批流程", text);
        Assert.Contains("提交步骤：街道审批", text);
        Assert.Contains("流程完成", text);
        Assert.Contains("(demo)", text); // steps are on the record as submitted by the demo key
    }
}
