using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Governance.Durable.Core;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// The control queues: sends messages to instances, and on this host listens to the queue of each owned partition,
/// handing what it receives (with the message as its trigger) to the instance's session. A message received too
/// often is recorded as poison and delivered as a <see cref="MessagePoisonedEvent"/> instead.
/// </summary>
internal sealed class ControlQueueListeners(
    TaskHubStore store, DurableTaskOptions options, PartitionManager partitions, SessionManager sessions,
    WorkerLifetime lifetime, TimeProvider clock, ILogger logger)
{
    private readonly ConcurrentDictionary<int, CancellationTokenSource> listeners = new();
    private readonly ConcurrentDictionary<int, WakeSignal> wakes = new();
    private readonly StartMessageBatcher starts = new(store);

    /// <summary>Start messages this host sent for instances it just created (their history is known to be empty), by message id.</summary>
    private readonly ConcurrentDictionary<string, int> newInstanceHints = new(StringComparer.Ordinal);

    private DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    /// <summary>Wakes the listeners of other hosts (null when cross-host wake-ups are off or not set up).</summary>
    public CrossHostWake? CrossHost { get; set; }

    private readonly ConcurrentDictionary<int, bool> idle = new();

    /// <summary>Test hook: client starts waiting to share the next queue message of their control queue.</summary>
    public int StartsWaiting => starts.WaitingCount;

    /// <summary>Test hook: true while the partition's listener waits after finding its queue empty.</summary>
    public bool IsIdle(int partition) => idle.GetValueOrDefault(partition);

    /// <summary>
    /// Sends a message to an instance durably, through its control queue. When this host owns the instance's
    /// partition it wakes that queue's listener instead of handing the message over in memory: the listener receives
    /// it in queue order, so it never overtakes a message another host or client sent before it. Otherwise it wakes
    /// the owning host, best effort (that host's polling is the fallback).
    /// </summary>
    /// <param name="coalesce">A client's start: it may share its queue message with other starts to the same queue (see <see cref="StartMessageBatcher"/>).</param>
    public async Task SendAsync(TaskMessage message, CancellationToken cancellationToken, bool newInstance = false, bool coalesce = false)
    {
        QueueClient queue = store.ControlQueueFor(message.InstanceId);
        int partition = PartitionHash.PartitionOf(message.InstanceId, options.PartitionCount);
        bool owned = !lifetime.IsCrashed && partitions.Owns(partition);
        if (owned && newInstance)
        {
            newInstanceHints[message.Id] = partition;
        }
        else if (newInstance)
        {
            // The owner is elsewhere: the hint travels with the message.
            message = message with { NewInstance = true };
        }

        string text = await store.ToQueueTextAsync(message);
        if (coalesce)
        {
            await starts.SendAsync(partition, text, cancellationToken);
        }
        else
        {
            await queue.SendMessageAsync(text, null, TimeSpan.FromSeconds(-1), cancellationToken);
        }

        if (owned)
        {
            Wake(partition);
        }
        else
        {
            CrossHost?.WakePartition(partition);
        }
    }

    /// <summary>Makes the listener of an owned partition poll now (no-op for a partition this host does not own).</summary>
    public void Wake(int partition)
    {
        if (wakes.TryGetValue(partition, out var wake))
        {
            wake.Set();
        }
    }

    public void Listen(int partition)
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
        listeners[partition] = cts;
        wakes[partition] = new WakeSignal();
        _ = Task.Run(() => ListenAsync(partition, cts.Token), CancellationToken.None);
    }

    public void StopListening(int partition)
    {
        if (listeners.TryRemove(partition, out var cts))
        {
            cts.Cancel();
        }

        wakes.TryRemove(partition, out _);
        foreach (var hint in newInstanceHints.Where(h => h.Value == partition).ToList())
        {
            newInstanceHints.TryRemove(hint.Key, out _);
        }
    }

    public void StopAll()
    {
        foreach (var cts in listeners.Values)
        {
            cts.Cancel();
        }

        listeners.Clear();
    }

    private async Task ListenAsync(int partition, CancellationToken cancellationToken)
    {
        QueueClient queue = store.ControlQueues[partition];
        var backoff = new PollingBackoff(options.MaxQueuePollingInterval, wakes.GetValueOrDefault(partition), options.MinQueuePollingInterval);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var received = await queue.ReceiveMessagesAsync(32, options.MessageVisibilityTimeout, cancellationToken);
                if (received.Value.Length == 0)
                {
                    idle[partition] = true;
                    try
                    {
                        await backoff.WaitAsync(cancellationToken);
                    }
                    finally
                    {
                        idle[partition] = false;
                    }

                    continue;
                }

                backoff.Reset();
                foreach (var raw in received.Value)
                {
                    var trigger = new QueueMessageTrigger(queue, raw.MessageId, raw.PopReceipt);
                    IReadOnlyList<TaskMessage> messages;
                    try
                    {
                        messages = await StartMessageBatcher.ParseAsync(store, raw.MessageText);
                    }
                    catch (Exception ex)
                    {
                        logger.LogError(ex, "Unreadable control message {MessageId} moved to the poison table.", raw.MessageId);
                        await store.RecordPoisonAsync("", raw.MessageId, "control", raw.MessageText, "Unreadable message: " + ex.Message, UtcNow, cancellationToken);
                        await trigger.CompleteAsync(cancellationToken);
                        continue;
                    }

                    if (messages.Count > 1 && raw.DequeueCount > 1)
                    {
                        // A batch of starts came back (a member's step kept failing, or a host died): its starts go on
                        // alone, so a failing or poisoned start takes no other with it. Same ids: a start already
                        // recorded is dropped as a duplicate; a crash before the delete only splits it again.
                        foreach (var one in messages)
                        {
                            await queue.SendMessageAsync(await store.ToQueueTextAsync(one with { NewInstance = false }), null, TimeSpan.FromSeconds(-1), cancellationToken);
                        }

                        await trigger.CompleteAsync(cancellationToken);
                        Wake(partition);
                        continue;
                    }

                    // A batch of starts is one queue message: each instance holds a share of it.
                    var shared = messages.Count > 1 ? new SharedQueueMessage(trigger, messages.Count) : null;
                    foreach (var one in messages)
                    {
                        var message = one;
                        if (raw.DequeueCount > options.MaxDequeueCount)
                        {
                            message = await PoisonAsync(message, raw.DequeueCount, cancellationToken);
                        }

                        // A redelivered start may have been recorded already: it is not hinted (the hint would only cost a conflict).
                        bool newInstance = newInstanceHints.TryRemove(message.Id, out _) || (message.NewInstance && raw.DequeueCount == 1);
                        sessions.Deliver(message, shared?.NewShare() ?? trigger, newInstance);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Receiving from control queue {Partition} failed; retrying.", partition);
                await backoff.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Records a message that failed too often and turns it into the event that fails its instance.</summary>
    private async Task<TaskMessage> PoisonAsync(TaskMessage message, long dequeueCount, CancellationToken cancellationToken)
    {
        string reason = $"Message {message.Id} ({message.Event.EventType}) failed processing {dequeueCount - 1} times.";
        logger.LogError("Poison message {MessageId} for instance {InstanceId}: {Reason}", message.Id, message.InstanceId, reason);
        await store.RecordPoisonAsync(message.InstanceId, message.Id, "control", store.Serialize(message), reason, UtcNow, cancellationToken);
        return message with
        {
            Id = message.Id + "|poison",
            Event = new MessagePoisonedEvent(message.Id, reason) { Timestamp = UtcNow, Start = message.Event as ExecutionStartedEvent },
            TargetExecutionId = null,
        };
    }
}
