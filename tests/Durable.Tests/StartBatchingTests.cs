using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Governance.Durable.Runtime;
using Governance.TestSupport;

namespace Governance.Durable.Tests;

/// <summary>Starts sent while another send to their control queue is under way share one queue message.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class StartBatchingTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_batch_of_starts_that_comes_back_is_split_so_that_its_dequeue_count_poisons_no_start()
    {
        string hub = TestHost.NewHubName();
        static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<HelloCities>().AddActivity<SayHello>();
        string[] ids;
        await using (var client = await TestHost.StartAsync(azurite, Tasks, configure: o => { o.PartitionCount = 1; o.WorkerEnabled = false; }, hubName: hub))
        {
            ids = [await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities)), await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities))];

            // The two starts as one shared message that was received once and came back (as after a failing member or a dead host).
            var queue = client.Hub.Store.ControlQueues[0];
            var received = (await queue.ReceiveMessagesAsync(10)).Value;
            Assert.Equal(2, received.Length);
            await queue.SendMessageAsync("[" + string.Join(",", received.Select(m => m.MessageText)) + "]");
            foreach (var m in received)
            {
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }

            var batch = (await queue.ReceiveMessageAsync()).Value;
            await queue.UpdateMessageAsync(batch.MessageId, batch.PopReceipt, visibilityTimeout: TimeSpan.Zero);
        }

        // Received again it counts 2: past a dequeue limit of 1 for the batch, not for either start once they go alone.
        await using var worker = await TestHost.StartAsync(azurite, Tasks, configure: o => { o.PartitionCount = 1; o.MaxDequeueCount = 1; }, hubName: hub);
        foreach (string id in ids)
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, (await worker.WaitForCompletionAsync(id)).RuntimeStatus);
        }
    }

    [Fact]
    public async Task Starts_waiting_behind_a_send_go_together_in_one_message_without_holding_the_start_gate_and_all_run_and_the_message_goes_once_all_are_done()
    {
        var puts = new HeldFirstPut();
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestrator<HelloCities>().AddActivity<SayHello>(), configure: o =>
        {
            o.PartitionCount = 1;
            o.MaxConcurrentStarts = 1; // a start waiting for its queue's send no longer holds the gate: the others get by
            o.ConfigureStorageClientOptions = c => c.AddPolicy(puts, HttpPipelinePosition.PerCall);
        });

        var first = host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await puts.FirstHeld.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var others = Enumerable.Range(0, 9).Select(_ => Task.Run(() => host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities)))).ToList();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (host.Hub.StartsWaitingToSend < 9 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(9, host.Hub.StartsWaitingToSend);
        puts.Release.SetResult();
        string[] ids = [await first, .. await Task.WhenAll(others)];

        Assert.Equal(2, puts.Count);
        foreach (string id in ids)
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, (await host.WaitForCompletionAsync(id)).RuntimeStatus);
        }

        // The shared message is deleted once the last of its instances is done with it.
        var queue = host.Hub.Store.ControlQueues[0];
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0 && DateTime.UtcNow < deadline.AddSeconds(30))
        {
            await Task.Delay(20);
        }

        Assert.Equal(0, (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task A_shared_message_is_deleted_by_its_last_holder_and_never_once_one_holder_gave_it_back()
    {
        var queue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient("shared-" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateAsync();

        var done = await ShareAmongThreeAsync(queue);
        await done[0].CompleteAsync(CancellationToken.None);
        await done[1].CompleteAsync(CancellationToken.None);
        await done[1].CompleteAsync(CancellationToken.None); // released twice: still one holder's release
        Assert.Equal(1, await CountAsync(queue));
        await done[2].CompleteAsync(CancellationToken.None);
        Assert.Equal(0, await CountAsync(queue));

        var givenBack = await ShareAmongThreeAsync(queue);
        givenBack[0].Abandon();
        foreach (var share in givenBack)
        {
            await share.CompleteAsync(CancellationToken.None);
        }

        Assert.Equal(1, await CountAsync(queue));
    }

    private static async Task<Trigger[]> ShareAmongThreeAsync(QueueClient queue)
    {
        await queue.SendMessageAsync("[]");
        var raw = (await queue.ReceiveMessageAsync(TimeSpan.FromMinutes(5))).Value;
        var shared = new SharedQueueMessage(new QueueMessageTrigger(queue, raw.MessageId, raw.PopReceipt), 3);
        return [shared.NewShare(), shared.NewShare(), shared.NewShare()];
    }

    private static async Task<int> CountAsync(QueueClient queue) => (await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount;

    /// <summary>Holds the first message put to a control queue until released, counting every put to a control queue.</summary>
    private sealed class HeldFirstPut : HttpPipelinePolicy
    {
        private int count;

        public TaskCompletionSource FirstHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => Volatile.Read(ref count);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
            => ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            string path = message.Request.Uri.Path;
            if (message.Request.Method == RequestMethod.Post && path.Contains("-control-", StringComparison.Ordinal) && path.EndsWith("/messages", StringComparison.Ordinal)
                && Interlocked.Increment(ref count) == 1)
            {
                FirstHeld.SetResult();
                await Release.Task;
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
