using Azure.Data.Tables;
using Governance.Durable.Core;
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

    [Fact]
    public async Task A_message_redelivered_too_often_after_it_was_recorded_is_dropped_as_a_duplicate_not_poison()
    {
        string hub = TestHost.NewHubName();
        string id = "seen-" + Guid.NewGuid().ToString("N")[..8];
        void Options(DurableTaskOptions o) => o.MaxDequeueCount = 1;
        static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<WaitForTwoEvents>();
        var first = new TaskMessage(id + "|first", id, new EventRaisedEvent("First", "\"a\"") { Timestamp = DateTime.UtcNow });
        await using (var host = await TestHost.StartAsync(azurite, Tasks, configure: Options, hubName: hub))
        {
            await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents), null, new StartOrchestrationOptions(id));
            await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));
            await host.Hub.SendAsync(first, CancellationToken.None);
            await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Second"));
        }

        // The recorded message comes back (its deletion failed) and has been received before: its next delivery is over the limit.
        await using (var sender = await TestHost.StartAsync(azurite, Tasks, configure: o => { Options(o); o.WorkerEnabled = false; }, hubName: hub))
        {
            var queue = sender.Hub.Store.ControlQueueFor(id);
            await queue.SendMessageAsync(await sender.Hub.Store.ToQueueTextAsync(first));
            var received = Assert.Single((await queue.ReceiveMessagesAsync(1, TimeSpan.FromSeconds(30))).Value);
            await queue.UpdateMessageAsync(received.MessageId, received.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }

        await using (var host = await TestHost.StartAsync(azurite, Tasks, configure: Options, hubName: hub))
        {
            await host.Client.RaiseEventAsync(id, "Second", "b");
            var done = await host.WaitForCompletionAsync(id);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            Assert.Equal("a+b", done.ReadOutputAs<string>());
            Assert.DoesNotContain(await host.Client.GetInstanceHistoryAsync(id), e => e is MessagePoisonedEvent);
        }
    }
}
