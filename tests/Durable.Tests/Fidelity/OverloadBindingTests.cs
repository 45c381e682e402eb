using Governance.TestSupport;

namespace Governance.Durable.Tests.Fidelity;

/// <summary>
/// The overloads without an input (or with only a token) must bind as in Microsoft.DurableTask: before they existed an
/// options object or a cancellation token compiled as the input or the event payload, silently.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class OverloadBindingTests(AzuriteFixture azurite)
{
    private static string Describe(object? input) => input is null ? "no input" : $"input {input}";

    private static void EchoInput(DurableTaskRegistry r) => r
        .AddOrchestratorFunc<object?, string>("EchoInput", (_, input) => Describe(input))
        .AddOrchestratorFunc<string>("WaitsForPing", async context => Describe(await context.WaitForExternalEvent<object?>("Ping")));

    [Fact]
    public async Task Options_passed_to_an_activity_or_sub_orchestrator_call_are_options_not_input()
    {
        int calls = 0;
        var seen = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var host = await TestHost.StartAsync(azurite, r => r
            .AddActivityFunc<object?, string>("Describe", (_, input) =>
            {
                // The first call fails: only the retry policy in the options lets the orchestration go on.
                if (Interlocked.Increment(ref calls) == 1)
                {
                    throw new InvalidOperationException("first attempt fails");
                }

                seen.Enqueue(Describe(input));
                return Describe(input);
            })
            .AddOrchestratorFunc<object?, string>("Child", (_, input) => Describe(input))
            .AddOrchestratorFunc<string>("CallsWithOptionsOnly", async context =>
            {
                var retry = new TaskOptions(new RetryPolicy(2, TimeSpan.FromMilliseconds(1)));
                string activity = await context.CallActivityAsync<string>("Describe", retry);
                await context.CallActivityAsync("Describe", retry);
                string child = await context.CallSubOrchestratorAsync<string>("Child", retry.WithInstanceId(context.InstanceId + "-c1"));
                await context.CallSubOrchestratorAsync("Child", new TaskOptions().WithInstanceId(context.InstanceId + "-c2"));
                return $"{activity}|{child}";
            }));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("CallsWithOptionsOnly");
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("no input|no input", done.ReadOutputAs<string>());
        Assert.Equal(["no input", "no input"], seen);
        var second = await host.Client.GetInstanceAsync(id + "-c2", getInputsAndOutputs: true);
        Assert.Equal("no input", second!.ReadOutputAs<string>());
        Assert.Null(second.SerializedInput);
    }

    [Fact]
    public async Task Start_options_without_input_are_options_and_a_token_is_never_input()
    {
        await using var host = await TestHost.StartAsync(azurite, EchoInput);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        string fixedId = "fixed-" + Guid.NewGuid().ToString("N");

        string withOptions = await host.Client.ScheduleNewOrchestrationInstanceAsync("EchoInput", new StartOrchestrationOptions(fixedId));
        string withToken = await host.Client.ScheduleNewOrchestrationInstanceAsync("EchoInput", cts.Token);
        string withInputAndToken = await host.Client.ScheduleNewOrchestrationInstanceAsync("EchoInput", "x", cts.Token);

        Assert.Equal(fixedId, withOptions);
        Assert.Equal("no input", (await host.Client.WaitForInstanceCompletionAsync(withOptions, true, cts.Token)).ReadOutputAs<string>());
        Assert.Equal("no input", (await host.Client.WaitForInstanceCompletionAsync(withToken, true, cts.Token)).ReadOutputAs<string>());
        Assert.Equal("input x", (await host.Client.WaitForInstanceCompletionAsync(withInputAndToken, true, cts.Token)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Token_only_overloads_of_the_client_do_what_they_name()
    {
        await using var host = await TestHost.StartAsync(azurite, EchoInput);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var client = host.Client;

        string raised = await client.ScheduleNewOrchestrationInstanceAsync("WaitsForPing", "some input");
        var started = await client.WaitForInstanceStartAsync(raised, cts.Token);
        Assert.Null(started.SerializedInput); // without inputs, as the bool overload with false
        await host.WaitUntilAsync(raised, m => m.WaitingForEvents.Contains("Ping"));
        await client.RaiseEventAsync(raised, "Ping", cts.Token);
        var completed = await client.WaitForInstanceCompletionAsync(raised, cts.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, completed.RuntimeStatus);
        Assert.Null(completed.SerializedOutput);
        Assert.Equal("no input", (await client.GetInstanceAsync(raised, getInputsAndOutputs: true, cts.Token))!.ReadOutputAs<string>());
        var got = await client.GetInstanceAsync(raised, cts.Token);
        Assert.Null(got!.SerializedInput);

        string paused = await client.ScheduleNewOrchestrationInstanceAsync("WaitsForPing");
        await host.WaitUntilAsync(paused, m => m.WaitingForEvents.Contains("Ping"));
        await client.SuspendInstanceAsync(paused, cts.Token);
        await host.WaitUntilAsync(paused, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Suspended);
        await client.ResumeInstanceAsync(paused, cts.Token);
        await host.WaitUntilAsync(paused, m => m.RuntimeStatus == OrchestrationRuntimeStatus.Running);
        await client.TerminateInstanceAsync(paused, cts.Token);
        var terminated = await host.WaitForCompletionAsync(paused);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Null(terminated.SerializedOutput); // the token is not the output

        Assert.Equal(1, (await client.PurgeInstanceAsync(paused, cts.Token)).PurgedInstanceCount);
    }
}
