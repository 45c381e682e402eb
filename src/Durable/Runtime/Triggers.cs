using Azure;
using Azure.Storage.Queues;
using Governance.Durable.Storage;

namespace Governance.Durable.Runtime;

/// <summary>
/// The durable record that caused work for an instance (a queue message or a timer row). It is deleted only once
/// the instance is quiescent, i.e. everything the work caused is committed and dispatched: if the host dies
/// before, the trigger comes back and the instance is reloaded and its outbox redispatched.
/// </summary>
internal abstract class Trigger
{
    public DateTime HeldSinceUtc { get; set; } = DateTime.UtcNow;

    /// <summary>Deletes the trigger: its work is done.</summary>
    public abstract Task CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Gives the trigger back without deleting it, so that it is delivered again.</summary>
    public virtual void Abandon()
    {
    }
}

internal sealed class QueueMessageTrigger(QueueClient queue, string messageId, string popReceipt) : Trigger
{
    public QueueClient Queue { get; } = queue;
    public string MessageId { get; } = messageId;
    public string PopReceipt { get; private set; } = popReceipt;

    public override async Task CompleteAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Queue.DeleteMessageAsync(MessageId, PopReceipt, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Already deleted, or the receipt went stale because the message became visible again: it will be redelivered and dropped as a duplicate.
        }
    }

    /// <summary>Keeps the message invisible for another period while its work goes on.</summary>
    public async Task RenewAsync(TimeSpan visibility, CancellationToken cancellationToken)
    {
        var receipt = await Queue.UpdateMessageAsync(MessageId, PopReceipt, visibilityTimeout: visibility, cancellationToken: cancellationToken);
        PopReceipt = receipt.Value.PopReceipt;
        HeldSinceUtc = DateTime.UtcNow;
    }
}

internal sealed class TimerTrigger(TaskHubStore store, TimerService timers, int partition, string rowKey) : Trigger
{
    public override async Task CompleteAsync(CancellationToken cancellationToken)
    {
        await store.DeleteTimerAsync(partition, rowKey, cancellationToken);
        timers.Forget(partition, rowKey);
    }

    public override void Abandon() => timers.Redeliver(partition, rowKey);
}

/// <summary>
/// A queue message carrying the starts of several instances (<see cref="StartMessageBatcher"/>): each instance holds a
/// <see cref="Share"/> of it, and it is deleted when the last share completes. Once any holder gives its share back
/// (its step kept failing), the message is neither renewed nor deleted: it reappears, and the instances that recorded
/// their start already drop it as a duplicate.
/// </summary>
internal sealed class SharedQueueMessage(QueueMessageTrigger message, int holders)
{
    private int remaining = holders;
    private volatile bool abandoned;

    public QueueMessageTrigger Message { get; } = message;

    public bool Abandoned => abandoned;

    public Trigger NewShare() => new Share(this);

    private Task ReleaseAsync(CancellationToken cancellationToken)
        => Interlocked.Decrement(ref remaining) == 0 && !abandoned ? Message.CompleteAsync(cancellationToken) : Task.CompletedTask;

    /// <summary>One instance's hold on the shared message.</summary>
    internal sealed class Share(SharedQueueMessage shared) : Trigger
    {
        private int released;

        public SharedQueueMessage Shared { get; } = shared;

        public override Task CompleteAsync(CancellationToken cancellationToken)
            => Interlocked.Exchange(ref released, 1) == 0 ? Shared.ReleaseAsync(cancellationToken) : Task.CompletedTask;

        public override void Abandon() => Shared.abandoned = true;
    }
}
