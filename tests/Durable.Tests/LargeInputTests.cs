using Governance.TestSupport;

namespace Governance.Durable.Tests;

/// <summary>Returns what it was started with, so a test sees exactly the input the orchestrator received.</summary>
public sealed class EchoInput : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => Task.FromResult(input);
}

/// <summary>Start inputs on both sides of the inline limit (30,000 serialized characters) reach the orchestrator intact.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class LargeInputTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(29_999)]
    [InlineData(30_000)]
    [InlineData(30_001)]
    [InlineData(2_000_000)]
    public async Task Start_input_of_any_size_reaches_the_orchestrator_and_reads_back(int serializedChars)
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestrator<EchoInput>());
        // A JSON string of n ASCII letters serializes to n + 2 characters (the quotes).
        string input = new string('b', serializedChars - 2);
        Assert.Equal(serializedChars, DurableJson.Serialize(input)!.Length);

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(EchoInput), input);
        var done = await host.WaitForCompletionAsync(id);

        Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
        Assert.Equal(input, done.ReadOutputAs<string>());
        Assert.Equal(input, done.ReadInputAs<string>());
        var started = (await host.Client.GetInstanceHistoryAsync(id)).OfType<ExecutionStartedEvent>().Single();
        Assert.Equal(DurableJson.Serialize(input), started.Input);
    }
}
