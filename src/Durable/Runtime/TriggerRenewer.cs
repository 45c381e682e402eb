using Azure;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// Keeps the queue messages this host holds invisible while their instance is busy, renewing each when half its
/// visibility has passed: with a short visibility, a dead host's messages reappear soon, a live host's never do.
/// </summary>
internal sealed class TriggerRenewer(SessionManager sessions, DurableTaskOptions options, ILogger logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        TimeSpan visibility = options.MessageVisibilityTimeout;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(visibility / 4, cancellationToken);

                // Messages waiting for their step (new triggers) expire as surely as those held by a running one.
                var due = new List<QueueMessageTrigger>();
                foreach (var session in sessions.All)
                {
                    lock (session.Gate)
                    {
                        due.AddRange(session.HeldTriggers.Concat(session.NewTriggers).Select(QueueMessageOf).OfType<QueueMessageTrigger>()
                            .Where(t => DateTime.UtcNow - t.HeldSinceUtc > visibility / 2));
                    }
                }

                // A message shared by several instances' starts is renewed once.
                await Parallel.ForEachAsync(due.Distinct(), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (trigger, token) =>
                {
                    try
                    {
                        await trigger.RenewAsync(visibility, token);
                    }
                    catch (RequestFailedException ex) when (ex.Status is 404 or 400)
                    {
                        // The instance finished and deleted it meanwhile.
                        logger.LogDebug("Message {MessageId} is gone: {Error}", trigger.MessageId, ex.ErrorCode);
                    }
                    catch (RequestFailedException ex)
                    {
                        logger.LogWarning("Could not extend message {MessageId}: {Error}", trigger.MessageId, ex.ErrorCode);
                    }
                });
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>The queue message a trigger holds, if it is one to renew (not a shared one given back, which must reappear).</summary>
    private static QueueMessageTrigger? QueueMessageOf(Trigger trigger) => trigger switch
    {
        QueueMessageTrigger message => message,
        SharedQueueMessage.Share { Shared.Abandoned: false } share => share.Shared.Message,
        _ => null,
    };
}
