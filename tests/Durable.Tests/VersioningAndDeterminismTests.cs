using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Durable.Tests;

public sealed class GreeterV1 : TaskOrchestrator<object?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        string name = await context.WaitForExternalEvent<string>("Name");
        return $"v1: hello {name} ({context.Version})";
    }
}

public sealed class GreeterV2 : TaskOrchestrator<object?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        string greeting = await context.CallActivityAsync<string>(nameof(SayHello), "rules of 2026");
        string name = await context.WaitForExternalEvent<string>("Name");
        return $"v2: {greeting} {name} ({context.Version})";
    }
}

/// <summary>A deployment flag read by orchestrator code: exactly what must never change under running instances.</summary>
public sealed class CodeChange
{
    public bool Changed { get; set; }
}

public sealed class ChangingOrchestrator(CodeChange change) : TaskOrchestrator<object?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        if (change.Changed)
        {
            await context.CreateTimer(TimeSpan.FromMinutes(1), CancellationToken.None);
        }
        else
        {
            await context.CallActivityAsync<string>(nameof(SayHello), "x");
        }

        return await context.WaitForExternalEvent<string>("Go");
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class VersioningAndDeterminismTests(AzuriteFixture azurite)
{
    private static void Greeters(DurableTaskRegistry r) => r
        .AddOrchestrator<GreeterV1>("Greeter", "1").AddOrchestrator<GreeterV2>("Greeter", "2").AddActivity<SayHello>();

    [Fact]
    public async Task Two_versions_run_side_by_side_and_each_instance_replays_with_the_version_it_started_with()
    {
        string hub = TestHost.NewHubName();
        string oldId;
        await using (var before = await TestHost.StartAsync(azurite, Greeters, configure: o => o.DefaultVersion = "1", hubName: hub))
        {
            oldId = await before.Client.ScheduleNewOrchestrationInstanceAsync("Greeter");
            await before.WaitUntilAsync(oldId, m => m.WaitingForEvents.Contains("Name"));
        }

        // The rules changed: the new deployment starts version 2 by default, and still runs version 1 instances.
        await using var after = await TestHost.StartAsync(azurite, Greeters, configure: o => o.DefaultVersion = "2", hubName: hub);
        string newId = await after.Client.ScheduleNewOrchestrationInstanceAsync("Greeter");
        await after.WaitUntilAsync(newId, m => m.WaitingForEvents.Contains("Name"));
        await after.Client.RaiseEventAsync(oldId, "Name", "Wang");
        await after.Client.RaiseEventAsync(newId, "Name", "Li");

        var oldDone = await after.WaitForCompletionAsync(oldId);
        var newDone = await after.WaitForCompletionAsync(newId);

        Assert.Equal("v1: hello Wang (1)", oldDone.ReadOutputAs<string>());
        Assert.Equal("1", oldDone.Version);
        Assert.Equal("v2: Hello rules of 2026! Li (2)", newDone.ReadOutputAs<string>());
        Assert.Equal("2", newDone.Version);
    }

    [Fact]
    public async Task Changing_orchestrator_code_under_a_running_instance_fails_it_with_a_clear_non_determinism_error()
    {
        string hub = TestHost.NewHubName();
        var change = new CodeChange();
        void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<ChangingOrchestrator>().AddActivity<SayHello>();
        string id;
        await using (var before = await TestHost.StartAsync(azurite, Tasks, services: s => s.AddSingleton(change), hubName: hub))
        {
            id = await before.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ChangingOrchestrator));
            await before.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Go"));
        }

        change.Changed = true;
        await using var after = await TestHost.StartAsync(azurite, Tasks, services: s => s.AddSingleton(change), hubName: hub);
        await after.Client.RaiseEventAsync(id, "Go", "now");
        var done = await after.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, done.FailureDetails!.ErrorType);
        Assert.Contains("CallActivity 'SayHello'", done.FailureDetails.ErrorMessage);
        Assert.Contains("CreateTimer", done.FailureDetails.ErrorMessage);
    }

    [Fact]
    public async Task An_instance_of_an_unregistered_version_fails_with_a_message_naming_it()
    {
        await using var host = await TestHost.StartAsync(azurite, Greeters);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Greeter", null, new StartOrchestrationOptions { Version = "9" });

        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("'Greeter' version '9' is not registered", done.FailureDetails!.ErrorMessage);
    }
}
