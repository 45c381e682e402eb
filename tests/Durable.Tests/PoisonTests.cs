using Azure.Data.Tables;
using Governance.TestSupport;

namespace Governance.Durable.Tests;

/// <summary>Makes every step of one instance fail (a processing fault, not a crash) a number of times.</summary>
public sealed class FailSteps(string instanceId, int times) : IDurableFaultInjector
{
    private int failures;

    public void At(FaultPoint point, string id)
    {
        if (point == FaultPoint.BeforeCommit && id == instanceId && Interlocked.Increment(ref failures) <= times)
        {
            throw new InvalidOperationException("storage said no");
        }
    }
}

[Collection(AzuriteCollection.Name)]
public sealed class PoisonTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_message_that_keeps_failing_goes_to_the_poison_table_and_fails_its_instance_with_the_reason()
    {
        string id = "poison-" + Guid.NewGuid().ToString("N")[..8];
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestrator<HelloCities>().AddActivity<SayHello>(), configure: o =>
        {
            o.MaxDequeueCount = 1;
            o.MessageVisibilityTimeout = TimeSpan.FromSeconds(5);
            o.FaultInjector = new FailSteps(id, times: 10);
        });

        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), null, new StartOrchestrationOptions(id));
        var done = await host.WaitForCompletionAsync(id, TimeSpan.FromSeconds(90));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal("PoisonMessage", done.FailureDetails!.ErrorType);
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Single(history.OfType<MessagePoisonedEvent>());
        var poison = new TableServiceClient(azurite.ConnectionString).GetTableClient(host.Hub.HubName + "Poison");
        var rows = poison.QueryAsync<TableEntity>(e => e.PartitionKey == id).ToBlockingEnumerable().ToList();
        Assert.Single(rows);
        Assert.Contains("failed processing", rows[0].GetString("Reason"));
    }
}
