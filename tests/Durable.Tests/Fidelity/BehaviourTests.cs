using Governance.TestSupport;

namespace Governance.Durable.Tests.Fidelity;

/// <summary>Behaviours an orchestrator written for Microsoft.DurableTask relies on.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BehaviourTests(AzuriteFixture azurite)
{
    private static void RecordsIsReplaying(DurableTaskRegistry r) => r.AddOrchestratorFunc("RecordsIsReplaying", async context =>
    {
        var seen = new List<bool> { context.IsReplaying };
        await context.CreateTimer(TimeSpan.Zero, CancellationToken.None);
        seen.Add(context.IsReplaying);
        await context.CreateTimer(TimeSpan.Zero, CancellationToken.None);
        seen.Add(context.IsReplaying);
        return seen;
    });

    [Fact]
    public async Task Without_the_instance_cache_IsReplaying_is_true_while_recorded_steps_replay()
    {
        await using var host = await TestHost.StartAsync(azurite, RecordsIsReplaying, configure: o => o.InstanceCacheSize = 0);

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("RecordsIsReplaying");
        var done = await host.WaitForCompletionAsync(id);

        // The last step replays the first two from history, then runs the rest for the first time.
        Assert.Equal([true, true, false], done.ReadOutputAs<List<bool>>());
    }

    [Fact]
    public async Task With_the_instance_cache_the_code_runs_once_so_it_is_never_replaying()
    {
        await using var host = await TestHost.StartAsync(azurite, RecordsIsReplaying);

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("RecordsIsReplaying");
        var done = await host.WaitForCompletionAsync(id);

        // The cached instance continues in memory (extended sessions): no line of it runs twice, so none is a replay.
        Assert.Equal([false, false, false], done.ReadOutputAs<List<bool>>());
    }

    [Fact]
    public async Task With_the_instance_cache_an_instance_loaded_again_replays_with_IsReplaying_true()
    {
        static void RecordsAcrossAnEvent(DurableTaskRegistry r) => r.AddOrchestratorFunc("RecordsAcrossAnEvent", async context =>
        {
            var seen = new List<bool> { context.IsReplaying };
            await context.WaitForExternalEvent<string>("Go");
            seen.Add(context.IsReplaying);
            return seen;
        });

        string hub = TestHost.NewHubName();
        string id;
        await using (var first = await TestHost.StartAsync(azurite, RecordsAcrossAnEvent, hubName: hub))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("RecordsAcrossAnEvent");
            await first.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Go"));
        }

        // A new host has nothing cached: it replays the first step from history, then runs the rest live.
        await using var second = await TestHost.StartAsync(azurite, RecordsAcrossAnEvent, hubName: hub);
        await second.Client.RaiseEventAsync(id, "Go", "now");
        var done = await second.WaitForCompletionAsync(id);

        Assert.Equal([true, false], done.ReadOutputAs<List<bool>>());
    }

    [Fact]
    public async Task Several_waiters_on_one_event_name_are_served_newest_first()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestratorFunc("TwoWaiters", async context =>
        {
            Task<string> older = context.WaitForExternalEvent<string>("Signal");
            Task<string> newer = context.WaitForExternalEvent<string>("Signal");
            return $"older={await older} newer={await newer}";
        }));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("TwoWaiters");
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Signal"));
        await host.Client.RaiseEventAsync(id, "Signal", "first");
        await host.Client.RaiseEventAsync(id, "Signal", "second");
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("older=second newer=first", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_cancelled_newer_waiter_leaves_the_event_to_the_waiter_still_open()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestratorFunc("CancelledWaiter", async context =>
        {
            Task<string> open = context.WaitForExternalEvent<string>("Signal");
            using var cancel = new CancellationTokenSource();
            Task<string> cancelled = context.WaitForExternalEvent<string>("Signal", cancel.Token);
            cancel.Cancel();
            await Task.WhenAny(cancelled);
            return $"{await open} cancelled={cancelled.IsCanceled}";
        }));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("CancelledWaiter");
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Signal"));
        await host.Client.RaiseEventAsync(id, "Signal", "only");
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("only cancelled=True", done.ReadOutputAs<string>());
    }

    private static void Versioned(DurableTaskRegistry r) => r
        .AddOrchestratorFunc<string?, string>("Parent", async (context, input) =>
        {
            var options = input is null ? null : new SubOrchestrationOptions { Version = input };
            string child = await context.CallSubOrchestratorAsync<string>("Child", null, options);
            return $"parent {context.Version}, {child}";
        })
        .AddOrchestratorFunc<object?, string>("Child", (context, _) => $"child {context.Version}");

    [Fact]
    public async Task An_orchestrator_registered_without_a_version_serves_every_version_and_sub_orchestrations_start_at_the_default()
    {
        await using var host = await TestHost.StartAsync(azurite, Versioned, configure: o => o.DefaultVersion = "0.1");

        string byDefault = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent");
        string explicitVersions = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", "0.3", new StartOrchestrationOptions { Version = "0.2" });

        var first = await host.WaitForCompletionAsync(byDefault);
        var second = await host.WaitForCompletionAsync(explicitVersions);
        Assert.Equal("parent 0.1, child 0.1", first.ReadOutputAs<string>());
        Assert.Equal("0.1", first.Version);
        // As in Microsoft.DurableTask, a sub-orchestration without a version starts at the worker's default version;
        // SubOrchestrationOptions.Version overrides it.
        Assert.Equal("parent 0.2, child 0.3", second.ReadOutputAs<string>());
        Assert.Equal("0.2", second.Version);
    }

    [Fact]
    public async Task A_registered_version_still_wins_over_the_unversioned_registration()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r
            .AddOrchestratorFunc<object?, string>("Greeter", (context, _) => $"any {context.Version}")
            .AddOrchestratorFunc<object?, string>("Greeter", "2", (context, _) => Task.FromResult($"v2 {context.Version}")));

        string two = await host.Client.ScheduleNewOrchestrationInstanceAsync("Greeter", new StartOrchestrationOptions { Version = "2" });
        string three = await host.Client.ScheduleNewOrchestrationInstanceAsync("Greeter", new StartOrchestrationOptions { Version = "3" });

        Assert.Equal("v2 2", (await host.WaitForCompletionAsync(two)).ReadOutputAs<string>());
        Assert.Equal("any 3", (await host.WaitForCompletionAsync(three)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_tuple_custom_status_keeps_its_fields()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestratorFunc("TupleStatus", async context =>
        {
            context.SetCustomStatus(("Hello", 42));
            await context.WaitForExternalEvent<string>("Done");
        }));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("TupleStatus");
        var waiting = await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Done"));

        Assert.Equal(("Hello", 42), waiting.ReadCustomStatusAs<(string, int)>());
    }

    public sealed record Quote(string Text);

    [Fact]
    public async Task A_terminate_output_is_stored_as_json()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestratorFunc("WaitsForever", async context =>
        {
            await context.WaitForExternalEvent<string>("Never");
        }));

        string objectOutput = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForever");
        string textOutput = await host.Client.ScheduleNewOrchestrationInstanceAsync("WaitsForever");
        await host.WaitUntilAsync(objectOutput, m => m.WaitingForEvents.Contains("Never"));
        await host.WaitUntilAsync(textOutput, m => m.WaitingForEvents.Contains("Never"));
        await host.Client.TerminateInstanceAsync(objectOutput, new { quote = "I'll be back." });
        await host.Client.TerminateInstanceAsync(textOutput, "stopped by staff");

        var withObject = await host.WaitForCompletionAsync(objectOutput);
        var withText = await host.WaitForCompletionAsync(textOutput);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, withObject.RuntimeStatus);
        Assert.Equal("I'll be back.", System.Text.Json.JsonDocument.Parse(withObject.SerializedOutput!).RootElement.GetProperty("quote").GetString());
        Assert.Equal("stopped by staff", withText.ReadOutputAs<string>());
        var history = await host.Client.GetInstanceHistoryAsync(textOutput);
        Assert.Equal("stopped by staff", history.OfType<ExecutionTerminatedEvent>().Single().Reason);
    }
}
