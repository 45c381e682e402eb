using Azure.Core;
using Governance.Durable.Runtime;
using Governance.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Governance.Durable.Tests;

/// <summary>
/// Work sent by a host that does not own the instance's partition (here a client-only host) reaches an owner whose
/// listener is idle with a one-minute poll: only the wake-up datagram can make it poll within the tests' bounds.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class CrossHostWakeTests(AzuriteFixture azurite)
{
    private static void Tasks(DurableTaskRegistry r) => r
        .AddOrchestrator<HelloCities>()
        .AddOrchestrator<WaitForTwoEvents>()
        .AddActivity<SayHello>();

    private static void SlowPolling(DurableTaskOptions o)
    {
        o.PartitionCount = 1;
        o.MaxQueuePollingInterval = TimeSpan.FromMinutes(1);
        o.MinQueuePollingInterval = TimeSpan.FromMinutes(1);
    }

    private async Task<(TestHost Owner, TestHost Client)> StartPairAsync(HistoryQueryCounter? ownerQueries = null)
    {
        string hub = TestHost.NewHubName();
        var owner = await TestHost.StartAsync(azurite, Tasks, configure: o =>
        {
            SlowPolling(o);
            if (ownerQueries is not null)
            {
                o.ConfigureStorageClientOptions = c => c.AddPolicy(ownerQueries, HttpPipelinePosition.PerCall);
            }
        }, hubName: hub);
        var client = await TestHost.StartAsync(azurite, Tasks, configure: o => { SlowPolling(o); o.WorkerEnabled = false; }, hubName: hub);
        await WaitUntilAsync(() => owner.Hub.OwnedPartitions.Count == 1 && owner.Hub.IsControlQueueIdle(0));
        return (owner, client);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The owner did not become idle.");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_start_from_a_client_only_host_is_run_by_the_idle_owner_without_waiting_for_its_poll()
    {
        var (owner, client) = await StartPairAsync();
        await using var _ = owner;
        await using var __ = client;

        string id = await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        // Bounded well below the owner's one-minute poll: without the wake-up this is cancelled.
        var done = await client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    [Fact]
    public async Task A_client_watching_an_instance_owned_elsewhere_is_told_of_its_next_step()
    {
        var (owner, client) = await StartPairAsync();
        await using var _ = owner;
        await using var __ = client;
        string id = await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await client.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"), TimeSpan.FromSeconds(30));

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var change = client.Hub.WaitForChangeAsync(id, TimeSpan.FromMinutes(1), cts.Token);
        await client.Hub.WatchElsewhere(id);
        await client.Client.RaiseEventAsync(id, "First", "a");

        Assert.Same(InstanceWatchers.ChangedElsewhere, await change);
    }

    [Fact]
    public async Task The_owner_of_an_instance_a_client_only_host_just_created_does_not_read_its_empty_history()
    {
        var queries = new HistoryQueryCounter();
        var (owner, client) = await StartPairAsync(queries);
        await using var _ = owner;
        await using var __ = client;

        string id = await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await client.WaitForCompletionAsync(id, TimeSpan.FromSeconds(30))).RuntimeStatus);

        Assert.Equal(0, queries.Of(id));
    }

    [Fact]
    public void A_datagram_signed_for_another_hub_or_connection_is_ignored()
    {
        var options = new DurableTaskOptions { HubName = "HubA", ConnectionString = azurite.ConnectionString };
        using var channel = new WakeChannel(options, NullLogger.Instance);
        using var otherHub = new WakeChannel(new DurableTaskOptions { HubName = "HubB", ConnectionString = azurite.ConnectionString }, NullLogger.Instance);
        using var otherAccount = new WakeChannel(new DurableTaskOptions { HubName = "HubA", ConnectionString = azurite.ConnectionString + "x" }, NullLogger.Instance);

        Assert.Equal((WakeKind.Partition, "3"), channel.Parse(channel.Encode(WakeKind.Partition, "3")));
        Assert.Null(channel.Parse(otherHub.Encode(WakeKind.Partition, "3")));
        Assert.Null(channel.Parse(otherAccount.Encode(WakeKind.Partition, "3")));
        var tampered = channel.Encode(WakeKind.Partition, "3");
        tampered[1] = (byte)'4';
        Assert.Null(channel.Parse(tampered));
    }
}
