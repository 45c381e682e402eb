using Governance.Functions.Demo;
using Governance.Functions.Hosting;
using Governance.Workflows.Catalog;
using Microsoft.Extensions.Configuration;
using Governance.Durable;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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

/// <summary>A scenario that waits for its step until the demo is stopped (a year-long scenario, cut short).</summary>
public sealed class WaitingDemoScenario : IDemoScenario
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "waiting-demo";

    public async Task RunAsync(IDemoDriver driver, CancellationToken cancellationToken)
    {
        string id = await driver.StartAsync(TestCatalog.Workflow, new ApprovalInput("楼道照明改造", "清源街道", "浏河社区", 18000), null, cancellationToken);
        Started.TrySetResult();
        await driver.WaitForStepAsync(id, "never-opened", cancellationToken);
    }
}

/// <summary>Demo mode: accelerated clock, every registered scenario through the HTTP API, timelines printed.</summary>
[Collection(ServiceCollection.Name)]
public sealed class DemoModeTests(ServiceFixture fixture)
{
    private static WebApplication BuildDemo(Dictionary<string, string?> settings, IDemoScenario? scenario = null) => GovernanceApp.Build([], new GovernanceAppOptions
        {
            UseLocalSettings = false,
            Demo = true,
            RegisterWorkflows = false,
            Tasks = r => r.AddOrchestrator<TestApproval>(TestApproval.Name),
            Configure = b =>
            {
                b.Configuration.AddInMemoryCollection(settings);
                b.Services.AddSingleton<IWorkflowCatalog, TestCatalog>();
                b.Services.AddSingleton(scenario ?? new TestDemoScenario());
            },
        });

    [Fact]
    public async Task Stopping_the_host_stops_the_demo_between_requests()
    {
        // Ctrl-C and SIGTERM stop the host; the demo used to run on (its scenarios did not see the host stop).
        var scenario = new WaitingDemoScenario();
        var app = BuildDemo(ServiceHost.Settings(fixture.ConnectionString, "demo" + Guid.NewGuid().ToString("N")[..10]), scenario);
        await using var _ = app;
        var output = new StringWriter();
        var demo = DemoRunner.RunAsync(app, output, TimeSpan.FromMinutes(10));
        await scenario.Started.Task.WaitAsync(TimeSpan.FromMinutes(2)); // a guard against hanging, not a timing

        app.Lifetime.StopApplication();

        int rc = await demo.WaitAsync(TimeSpan.FromMinutes(2));
        Assert.Equal(130, rc);
        Assert.Contains("Demo stopped.", output.ToString());
        Assert.DoesNotContain("Demo finished", output.ToString());
    }

    [Fact]
    public async Task Demo_runs_every_registered_scenario_end_to_end_and_prints_timelines()
    {
        var settings = ServiceHost.Settings(fixture.ConnectionString, "demo" + Guid.NewGuid().ToString("N")[..10]);
        var app = BuildDemo(settings);
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

    [Fact]
    public async Task Demo_runs_in_its_own_task_hub_and_tells_a_story_in_china_time_with_chinese_step_names()
    {
        string hub = "real" + Guid.NewGuid().ToString("N")[..10];
        var settings = ServiceHost.Settings(fixture.ConnectionString, hub);

        // A real instance in the configured hub, waiting for a step.
        string realId;
        await using (var service = await TestService.StartAsync(fixture.ConnectionString, hub))
        {
            realId = $"real-{Guid.NewGuid():N}";
            using var started = await service.Client("staff").PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={realId}", Http.Json(TestService.Input()));
            Assert.Equal(System.Net.HttpStatusCode.Accepted, started.StatusCode);
            await Http.WaitForStepAsync(service.Client("staff"), realId, "submit");
        }

        var app = BuildDemo(settings);
        await using (app)
        {
            Assert.Equal(hub + "Demo", app.Services.GetRequiredService<IOptions<DurableTaskOptions>>().Value.HubName);
            Assert.False(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Governance.Functions.Workflows").IsEnabled(LogLevel.Information));
            var output = new StringWriter();
            Assert.Equal(0, await DemoRunner.RunAsync(app, output, TimeSpan.FromMinutes(2)));
            string text = output.ToString();

            Assert.Contains("北京时间", text);
            Assert.Contains("启动“测试审批流程”", text);
            Assert.Contains("：提交“提交材料”", text);
            Assert.Contains("：提交“街道审批”", text);
            Assert.DoesNotContain("submitted submit", text);
            Assert.DoesNotContain(realId, text);
            var started = System.Text.RegularExpressions.Regex.Match(text, @"\[(\d{4}-\d\d-\d\d \d\d:\d\d)\] 启动“测试审批流程” → (\S+)");
            Assert.True(started.Success, text);

            // China time: the timeline's start is the instance's creation time (UTC) plus eight hours.
            var client = app.Services.GetRequiredService<DurableTaskClient>();
            var demoInstance = await client.GetInstanceAsync(started.Groups[2].Value);
            string expected = demoInstance!.CreatedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Contains($"    {expected}  启动流程：测试审批流程", text);
        }

        // The real hub holds only the real instance, untouched.
        await using var after = await TestService.StartAsync(fixture.ConnectionString, hub);
        using var list = await after.Client("admin").GetAsync("/runtime/webhooks/durabletask/instances");
        var ids = (await list.ReadJsonAsync()).AsArray().Select(n => (string?)n!["instanceId"]).ToList();
        Assert.Equal([realId], ids);
        var real = await Http.WaitForStepAsync(after.Client("staff"), realId, "submit");
        Assert.Equal("正常", (string?)real["waitingFor"]![0]!["escalationLevelName"]);
    }

    [Fact]
    public void The_story_leaves_out_activity_results_and_timers_but_keeps_steps_and_outcomes()
    {
        var history = new HistoryEvent[]
        {
            new ExecutionStartedEvent(TestApproval.Name, "", "{}", "e1", 0, null, null, null) { Timestamp = DateTime.UtcNow },
            new TaskScheduledEvent("PlanHumanStepActivity", null) { EventId = 1, Timestamp = DateTime.UtcNow },
            new TaskCompletedEvent(1, "{}") { Timestamp = DateTime.UtcNow },
            new TimerCreatedEvent(DateTime.UtcNow.AddDays(1)) { EventId = 2, Timestamp = DateTime.UtcNow },
            new TimerFiredEvent(2, DateTime.UtcNow.AddDays(1)) { Timestamp = DateTime.UtcNow },
            new EventRaisedEvent("submit", "{}") { Timestamp = DateTime.UtcNow, Actor = "demo" },
            new ExecutionCompletedEvent(OrchestrationRuntimeStatus.Completed, "\"ok\"") { Timestamp = DateTime.UtcNow },
        };
        var story = Governance.Functions.Api.HistoryTimeline.Build(history, new TestCatalog().Workflows[0]).Where(HttpDemoDriver.IsStory).Select(e => e.WhatZh).ToList();
        Assert.Equal(["启动流程：测试审批流程", "提交步骤：提交材料", "流程完成"], story);
    }
}
