using Azure;
using Azure.Storage.Queues.Models;
using Governance.Durable.Core;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// The shared work-item queue of activities: overflow of busy hosts and redeliveries. Any host runs them when it has
/// a free activity slot, keeps the message invisible while it runs, and sends the result to the instance's control queue.
/// </summary>
internal sealed class ActivityWorkItemQueue(
    TaskHubStore store, DurableTaskOptions options, SemaphoreSlim activitySlots, ActivityRunner runner,
    Func<TaskMessage, CancellationToken, Task> send, TimeProvider clock, ILogger logger)
{
    private DateTime UtcNow => clock.GetUtcNow().UtcDateTime;

    /// <summary>Test hook: called with the activity slots just before each receive from the queue.</summary>
    public Func<SemaphoreSlim, Task>? BeforeReceive { get; set; }

    public async Task EnqueueAsync(ActivityRequest request, CancellationToken token)
        => await store.WorkItems.SendMessageAsync(await store.ToQueueTextAsync(request), null, TimeSpan.FromSeconds(-1), token);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var backoff = new PollingBackoff(options.MaxQueuePollingInterval);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Slots are taken before receiving: a received work item never waits for one (its message would not
                // be renewed while it waited, and would reappear to run twice). Without a free slot nothing is received.
                int reserved = await ReserveSlotsAsync(cancellationToken);
                Response<QueueMessage[]> received;
                try
                {
                    if (BeforeReceive is { } hook)
                    {
                        await hook(activitySlots);
                    }

                    received = await store.WorkItems.ReceiveMessagesAsync(reserved, options.MessageVisibilityTimeout, cancellationToken);
                }
                catch
                {
                    activitySlots.Release(reserved);
                    throw;
                }

                if (reserved > received.Value.Length)
                {
                    activitySlots.Release(reserved - received.Value.Length);
                }

                if (received.Value.Length == 0)
                {
                    await backoff.WaitAsync(cancellationToken);
                    continue;
                }

                backoff.Reset();
                foreach (var raw in received.Value)
                {
                    var trigger = new QueueMessageTrigger(store.WorkItems, raw.MessageId, raw.PopReceipt);
                    _ = Task.Run(() => RunOneAsync(trigger, raw.MessageText, raw.DequeueCount, cancellationToken), CancellationToken.None);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Receiving work items failed; retrying.");
                await backoff.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Waits for a free activity slot, then takes every other free one too (at most 32, a receive's limit).</summary>
    private async Task<int> ReserveSlotsAsync(CancellationToken cancellationToken)
    {
        await activitySlots.WaitAsync(cancellationToken);
        int reserved = 1;
        while (reserved < 32 && activitySlots.Wait(0))
        {
            reserved++;
        }

        return reserved;
    }

    /// <summary>Runs one received work item (its activity slot is taken) and reports its result.</summary>
    private async Task RunOneAsync(QueueMessageTrigger trigger, string text, long dequeueCount, CancellationToken cancellationToken)
    {
        try
        {
            ActivityRequest request;
            try
            {
                request = await store.ParseActivityTextAsync(text);
            }
            catch (Exception ex)
            {
                await store.RecordPoisonAsync("", trigger.MessageId, "activity", text, "Unreadable work item: " + ex.Message, UtcNow, cancellationToken);
                await trigger.CompleteAsync(cancellationToken);
                return;
            }

            TaskMessage result;
            if (dequeueCount > options.MaxDequeueCount)
            {
                string reason = $"Activity '{request.Name}' work item failed processing {dequeueCount - 1} times.";
                await store.RecordPoisonAsync(request.InstanceId, request.MessageId, "activity", text, reason, UtcNow, cancellationToken);
                result = new TaskMessage(request.MessageId + "|result", request.InstanceId,
                    new TaskFailedEvent(request.TaskId, new TaskFailureDetails("PoisonMessage", reason)) { Timestamp = UtcNow }, request.ExecutionId);
            }
            else
            {
                // Held invisible while the activity runs, as control messages are: another host runs it
                // again only after this one stopped renewing (died).
                using var running = new CancellationTokenSource();
                var renewing = KeepInvisibleAsync(trigger, running.Token);
                try
                {
                    result = await runner.ExecuteAsync(request, (int)dequeueCount);
                }
                finally
                {
                    running.Cancel();
                    await renewing;
                }
            }

            await send(result, cancellationToken);
            await trigger.CompleteAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Work item {MessageId} failed; it will be redelivered.", trigger.MessageId);
        }
        finally
        {
            activitySlots.Release();
        }
    }

    /// <summary>Renews a held work item every half visibility period until cancelled.</summary>
    private async Task KeepInvisibleAsync(QueueMessageTrigger trigger, CancellationToken cancellationToken)
    {
        TimeSpan visibility = options.MessageVisibilityTimeout;
        while (true)
        {
            try
            {
                await Task.Delay(visibility / 2, cancellationToken);
                await trigger.RenewAsync(visibility, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (RequestFailedException ex)
            {
                logger.LogWarning("Could not extend work item {MessageId}: {Error}", trigger.MessageId, ex.ErrorCode);
            }
        }
    }
}
