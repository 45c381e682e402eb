using System.Collections.Concurrent;
using System.Net;
using Azure.Storage.Blobs.Models;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// Wakes other hosts of the hub when this one gives them work, so an idle owner does not wait for its polling backoff:
/// a message sent to a partition owned elsewhere is followed by a <see cref="WakeKind.Partition"/> datagram to the
/// owner, and a client waiting on an instance owned elsewhere asks the owner (<see cref="WakeKind.Watch"/>) for a
/// <see cref="WakeKind.Changed"/> datagram at the instance's next step. Owners are found in the partition lease blobs'
/// metadata (<see cref="PartitionManager.WakeMetadataKey"/>), read at most every third of a lease period while this
/// host sends anything, so an idle host makes no extra storage request.
/// </summary>
internal sealed class CrossHostWake : IDisposable
{
    private const int MaxWatchedInstances = 10_000;
    private static readonly long WatchLifetimeMs = 60_000;

    private readonly TaskHubStore store;
    private readonly ILogger logger;
    private readonly long refreshEveryMs;
    private readonly IPEndPoint?[] owners;
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<IPEndPoint, long>> watchedBy = new(StringComparer.Ordinal);
    private readonly object refreshGate = new();
    private Task? refreshing;
    private long refreshedAt;
    private volatile bool listed;
    private long lastSweep = Environment.TickCount64;

    public CrossHostWake(WakeChannel channel, TaskHubStore store, DurableTaskOptions options, ILogger logger)
    {
        Channel = channel;
        this.store = store;
        this.logger = logger;
        refreshEveryMs = (long)(options.LeaseDuration / 3).TotalMilliseconds;
        owners = new IPEndPoint?[options.PartitionCount];
        channel.Received += OnReceived;
    }

    public WakeChannel Channel { get; }

    /// <summary>Raised when another host says it sent a message to a partition (this host polls it if it owns it).</summary>
    public event Action<int>? PartitionWoken;

    /// <summary>Raised when an instance's owner says the instance changed (local waiters re-read it).</summary>
    public event Action<string>? InstanceChanged;

    /// <summary>Tells the owner of <paramref name="partition"/> that a message is waiting in its control queue.</summary>
    public void WakePartition(int partition) => _ = SendToOwnerAsync(partition, WakeKind.Partition, partition.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Asks the owner of the instance's partition to signal its next step to this host.</summary>
    public Task Watch(int partition, string instanceId) => SendToOwnerAsync(partition, WakeKind.Watch, instanceId);

    /// <summary>Called by the owner after a step of the instance: signals the hosts that asked, once each.</summary>
    public void NotifyChanged(string instanceId)
    {
        if (watchedBy.IsEmpty || !watchedBy.TryRemove(instanceId, out var watchers))
        {
            return;
        }

        foreach (var endpoint in watchers.Keys)
        {
            Channel.Send(endpoint, WakeKind.Changed, instanceId);
        }
    }

    /// <summary>Records an owner seen in a lease listing (the partition manager lists them anyway).</summary>
    public void SetOwner(int partition, string? wakeEndpoint)
    {
        if (partition >= 0 && partition < owners.Length)
        {
            owners[partition] = wakeEndpoint is not null && IPEndPoint.TryParse(wakeEndpoint, out var e) ? e : null;
        }
    }

    private async Task SendToOwnerAsync(int partition, WakeKind kind, string text)
    {
        try
        {
            if (!listed || Environment.TickCount64 - Interlocked.Read(ref refreshedAt) > refreshEveryMs)
            {
                var refresh = Refresh();
                if (!listed)
                {
                    await refresh; // nothing known yet: worth one listing before the first wake-up
                }
            }

            if (owners[partition] is { } owner && !owner.Equals(Channel.Advertised))
            {
                Channel.Send(owner, kind, text);
            }
        }
        catch (Exception ex)
        {
            logger.LogDebug(ex, "Wake-up for partition {Partition} skipped.", partition);
        }
    }

    /// <summary>Re-reads the owners from the lease blobs; one listing at a time.</summary>
    private Task Refresh()
    {
        lock (refreshGate)
        {
            if (refreshing is { IsCompleted: false })
            {
                return refreshing;
            }

            return refreshing = ListOwnersAsync();
        }
    }

    private async Task ListOwnersAsync()
    {
        try
        {
            await foreach (var blob in store.Leases.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = "p" }))
            {
                if (int.TryParse(blob.Name.AsSpan(1), out int partition))
                {
                    bool leased = blob.Properties.LeaseState == LeaseState.Leased;
                    SetOwner(partition, leased && blob.Metadata.TryGetValue(PartitionManager.WakeMetadataKey, out var wake) ? wake : null);
                }
            }
        }
        finally
        {
            Interlocked.Exchange(ref refreshedAt, Environment.TickCount64);
            listed = true;
        }
    }

    private void OnReceived(WakeKind kind, string text, IPEndPoint from)
    {
        switch (kind)
        {
            case WakeKind.Partition when int.TryParse(text, out int partition):
                PartitionWoken?.Invoke(partition);
                break;
            case WakeKind.Watch:
                AddWatcher(text, from);
                break;
            case WakeKind.Changed:
                InstanceChanged?.Invoke(text);
                break;
        }
    }

    private void AddWatcher(string instanceId, IPEndPoint from)
    {
        long now = Environment.TickCount64;
        if (now - Interlocked.Read(ref lastSweep) > WatchLifetimeMs)
        {
            // Waiters re-ask at least every second; an entry this old belongs to one that gave up.
            Interlocked.Exchange(ref lastSweep, now);
            foreach (var (id, watchers) in watchedBy)
            {
                foreach (var (endpoint, at) in watchers)
                {
                    if (now - at > WatchLifetimeMs)
                    {
                        watchers.TryRemove(endpoint, out _);
                    }
                }

                if (watchers.IsEmpty)
                {
                    watchedBy.TryRemove(id, out _);
                }
            }
        }

        if (watchedBy.Count < MaxWatchedInstances || watchedBy.ContainsKey(instanceId))
        {
            watchedBy.GetOrAdd(instanceId, _ => new ConcurrentDictionary<IPEndPoint, long>())[from] = now;
        }
    }

    public void Dispose() => Channel.Dispose();
}
