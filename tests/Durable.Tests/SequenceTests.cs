using Governance.TestSupport;

namespace Governance.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class SequenceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Sequence_of_activities_completes_with_every_result_in_order()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestrator<HelloCities>().AddActivity<SayHello>());

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["Hello Beijing!", "Hello Nanjing!", "Hello Xiamen!", "Hello Nantong!", "Hello Jingmen!"], done.ReadOutputAs<List<string>>());
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(5, history.OfType<TaskScheduledEvent>().Count());
        Assert.Equal(5, history.OfType<TaskCompletedEvent>().Count());
        Assert.IsType<ExecutionCompletedEvent>(history[^1]);
    }
}
