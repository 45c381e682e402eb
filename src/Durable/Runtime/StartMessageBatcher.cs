using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Governance.Durable.Core;
using Governance.Durable.Storage;

namespace Governance.Durable.Runtime;

/// <summary>
/// Coalesces the start messages one process sends to the same control queue (group commit): a start finding no send
/// to its queue under way is sent at once, alone; starts arriving while one is under way wait for it and then go
/// together, as one queue message holding a JSON array of messages. A burst of starts thus costs the storage service
/// one put (and the owner one delete) per batch instead of one per start, and a lone start waits for nothing. Each
/// caller returns only once the queue message carrying its start is stored. Only starts are coalesced: different
/// instances, so their order does not matter (messages to one instance keep their order, as they never meet here).
/// </summary>
internal sealed class StartMessageBatcher(TaskHubStore store)
{
    /// <summary>At most this many starts per queue message.</summary>
    internal const int MaxMessagesPerBatch = 32;

    /// <summary>A batch's text stays below this many UTF-8 bytes (a queue message holds 64 KiB).</summary>
    private const int MaxBatchBytes = 32 * 1024;

    private readonly Dictionary<int, Lane> lanes = [];

    /// <summary>Test hook: starts waiting for a send under way to their queue to finish.</summary>
    public int WaitingCount
    {
        get
        {
            lock (lanes)
            {
                return lanes.Values.Sum(lane =>
                {
                    lock (lane)
                    {
                        return lane.Queue.Count;
                    }
                });
            }
        }
    }

    /// <summary>Sends the message text (JSON of one <see cref="TaskMessage"/>) to the partition's control queue, with other starts when some wait.</summary>
    public Task SendAsync(int partition, string text, CancellationToken cancellationToken)
    {
        QueueClient queue = store.ControlQueues[partition];
        if (!text.StartsWith('{') || Encoding.UTF8.GetByteCount(text) > MaxBatchBytes / 2)
        {
            // A large message (or one offloaded to a blob) goes alone.
            return queue.SendMessageAsync(text, null, TimeSpan.FromSeconds(-1), cancellationToken);
        }

        Lane lane;
        lock (lanes)
        {
            if (!lanes.TryGetValue(partition, out lane!))
            {
                lanes[partition] = lane = new Lane(queue);
            }
        }

        var waiting = new Waiting(text, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        bool lead;
        lock (lane)
        {
            lane.Queue.Add(waiting);
            lead = !lane.Sending;
            lane.Sending = true;
        }

        return lead ? LeadAsync(lane, waiting) : waiting.Stored.Task.WaitAsync(cancellationToken);
    }

    /// <summary>The caller that found no send under way sends the first batch (its own start first) itself, so a lone start waits for no other thread.</summary>
    private static async Task LeadAsync(Lane lane, Waiting own)
    {
        await DrainAsync(lane, handOff: true);
        await own.Stored.Task;
    }

    /// <summary>The messages a control-queue message holds: one, or the batch of starts it carries.</summary>
    public static async Task<IReadOnlyList<TaskMessage>> ParseAsync(TaskHubStore store, string text)
        => text.StartsWith('[')
            ? JsonSerializer.Deserialize<List<TaskMessage>>(text, DurableJson.Options)!
            : [await store.ParseQueueTextAsync(text)];

    /// <summary>
    /// Sends what waits in the lane, batch after batch, until nothing does; with <paramref name="handOff"/>, only the
    /// first batch, leaving the rest to a pool thread (the leading caller returns once its own start is stored).
    /// </summary>
    private static async Task DrainAsync(Lane lane, bool handOff)
    {
        while (true)
        {
            var batch = new List<Waiting>();
            lock (lane)
            {
                int bytes = 2;
                foreach (var next in lane.Queue)
                {
                    int size = Encoding.UTF8.GetByteCount(next.Text) + 1;
                    if (batch.Count == MaxMessagesPerBatch || (batch.Count > 0 && bytes + size > MaxBatchBytes))
                    {
                        break;
                    }

                    batch.Add(next);
                    bytes += size;
                }

                lane.Queue.RemoveRange(0, batch.Count);
                if (batch.Count == 0)
                {
                    lane.Sending = false;
                    return;
                }
            }

            string text = batch.Count == 1 ? batch[0].Text : "[" + string.Join(",", batch.Select(w => w.Text)) + "]";
            try
            {
                // Not the callers' cancellation: the batch is theirs together.
                await lane.Client.SendMessageAsync(text, null, TimeSpan.FromSeconds(-1), CancellationToken.None);
                batch.ForEach(w => w.Stored.TrySetResult());
            }
            catch (Exception ex)
            {
                batch.ForEach(w => w.Stored.TrySetException(ex));
            }

            if (handOff)
            {
                lock (lane)
                {
                    if (lane.Queue.Count == 0)
                    {
                        lane.Sending = false;
                        return;
                    }
                }

                _ = Task.Run(() => DrainAsync(lane, handOff: false), CancellationToken.None);
                return;
            }
        }
    }

    private sealed record Waiting(string Text, TaskCompletionSource Stored);

    /// <summary>One control queue's starts waiting to be sent (guarded by itself) and whether a send is under way.</summary>
    private sealed class Lane(QueueClient client)
    {
        public QueueClient Client { get; } = client;
        public List<Waiting> Queue { get; } = [];
        public bool Sending { get; set; }
    }
}
