using Azure.Core;
using Governance.TestSupport;

namespace Governance.Durable.Tests;

/// <summary>History reads: a finished execution's history is read from storage once, and never served once purged.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HistoryReadTests(AzuriteFixture azurite)
{
    private static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<HelloCities>().AddActivity<SayHello>().AddOrchestrator<WaitForTwoEvents>()
        .AddOrchestrator<FanOutFanIn>().AddActivity<Square>();

    [Fact]
    public async Task A_history_longer_than_a_page_is_read_whole_and_in_order()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOutFanIn), 1100);
        var done = await host.WaitForCompletionAsync(id, TimeSpan.FromMinutes(2));
        Assert.True(done.HistoryEventCount > 2_000, $"only {done.HistoryEventCount} events");
        string executionId = (await host.Client.GetExecutionIdsAsync(id)).Single();

        var current = await host.Client.GetInstanceHistoryAsync(id);
        host.Hub.HistoryCache.Clear();
        var byExecution = await host.Client.GetInstanceHistoryAsync(id, executionId);

        Assert.Equal(done.HistoryEventCount, current.Count);
        Assert.Equal(byExecution.Select(e => (e.EventType, e.EventId, e.Timestamp)), current.Select(e => (e.EventType, e.EventId, e.Timestamp)));
        Assert.Equal(1100, current.OfType<TaskCompletedEvent>().Count());
        Assert.IsType<ExecutionCompletedEvent>(current[^1]);
    }

    [Fact]
    public async Task A_finished_execution_is_read_from_storage_once_and_the_same_history_is_returned_again()
    {
        var queries = new HistoryQueryCounter();
        await using var host = await TestHost.StartAsync(azurite, Tasks, configure: o => o.ConfigureStorageClientOptions = c => c.AddPolicy(queries, HttpPipelinePosition.PerCall));
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await host.WaitForCompletionAsync(id);
        string executionId = (await host.Client.GetExecutionIdsAsync(id)).Single();
        int before = queries.Of(id);

        var first = await host.Client.GetInstanceHistoryAsync(id);
        var again = await host.Client.GetInstanceHistoryAsync(id);
        var byExecution = await host.Client.GetInstanceHistoryAsync(id, executionId);

        Assert.Equal(1, queries.Of(id) - before);
        Assert.Equal(first.Select(e => e.EventType), again.Select(e => e.EventType));
        Assert.Equal(first.Select(e => e.EventType), byExecution.Select(e => e.EventType));
        Assert.Contains(first, e => e is ExecutionStartedEvent);
        Assert.Equal(nameof(ExecutionCompletedEvent), first[^1].EventType);
    }

    [Fact]
    public async Task A_first_read_of_an_instance_with_nothing_cached_is_one_request()
    {
        var requests = new HistoryQueryCounter();
        await using var host = await TestHost.StartAsync(azurite, Tasks, configure: o => o.ConfigureStorageClientOptions = c => c.AddPolicy(requests, HttpPipelinePosition.PerCall));
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await host.WaitForCompletionAsync(id);
        host.Hub.HistoryCache.Clear();
        int before = requests.RequestsFor(id);

        var history = await host.Client.GetInstanceHistoryAsync(id);

        Assert.Equal(1, requests.RequestsFor(id) - before);
        Assert.IsType<ExecutionCompletedEvent>(history[^1]);
    }

    [Fact]
    public async Task A_running_execution_is_read_again_each_time()
    {
        await using var host = await TestHost.StartAsync(azurite, Tasks);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));
        int before = (await host.Client.GetInstanceHistoryAsync(id)).Count;

        await host.Client.RaiseEventAsync(id, "First", "a");
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Second"));

        Assert.True((await host.Client.GetInstanceHistoryAsync(id)).Count > before);
    }

    [Fact]
    public async Task A_history_cached_by_one_host_is_not_served_after_another_host_purged_the_instance()
    {
        string hub = TestHost.NewHubName();
        await using var reader = await TestHost.StartAsync(azurite, Tasks, hubName: hub);
        await using var purger = await TestHost.StartAsync(azurite, Tasks, configure: o => o.WorkerEnabled = false, hubName: hub);
        string id = await reader.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await reader.WaitForCompletionAsync(id);
        string executionId = (await reader.Client.GetExecutionIdsAsync(id)).Single();
        Assert.NotEmpty(await reader.Client.GetInstanceHistoryAsync(id));
        Assert.NotEmpty(await reader.Client.GetInstanceHistoryAsync(id, executionId));

        Assert.Equal(1, (await purger.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);

        Assert.Empty(await reader.Client.GetInstanceHistoryAsync(id));
        Assert.Empty(await reader.Client.GetInstanceHistoryAsync(id, executionId));
    }
}
