using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Governance.Durable.Storage;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Runtime;

/// <summary>
/// Owns control-queue partitions through blob leases (one blob per partition, renewed periodically). Hosts
/// balance partitions among themselves: each aims for its fair share of the hosts it sees holding leases, takes
/// free or expired leases up to that share and releases any above it. A dead host's leases expire and are taken.
/// </summary>
internal sealed class PartitionManager(TaskHubStore store, DurableTaskOptions options, ILogger logger)
{
    private const string OwnerMetadataKey = "owner";

    /// <summary>Lease metadata naming where the owner receives wake-ups ("address:port"; see <see cref="CrossHostWake"/>).</summary>
    internal const string WakeMetadataKey = "wake";
    private readonly ConcurrentDictionary<int, BlobLeaseClient> owned = new();

    public string WorkerId { get; } = options.WorkerId ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>The lease id is derived from the worker id, so a host restarted under the same id resumes its own leases at once.</summary>
    private string LeaseId => new Guid(MD5.HashData(Encoding.UTF8.GetBytes(WorkerId))).ToString();

    public event Action<int>? Acquired;

    /// <summary>Where this host receives wake-ups, advertised with each lease it takes; null when it takes none.</summary>
    public string? WakeEndpoint { get; set; }

    /// <summary>Raised for each partition seen in a lease listing, with its owner's wake-up address (null when free or unknown).</summary>
    public event Action<int, string?>? OwnerSeen;

    public event Action<int>? Lost;

    public bool Owns(int partition) => owned.ContainsKey(partition);

    public IReadOnlyCollection<int> OwnedPartitions => owned.Keys.ToList();

    public async Task EnsureLeaseBlobsAsync(CancellationToken cancellationToken)
    {
        var existing = new HashSet<string>();
        await foreach (var blob in store.Leases.GetBlobsAsync(cancellationToken: cancellationToken))
        {
            existing.Add(blob.Name);
        }

        for (int p = 0; p < store.Names.PartitionCount; p++)
        {
            if (!existing.Contains(BlobName(p)))
            {
                try
                {
                    await store.Leases.GetBlobClient(BlobName(p)).UploadAsync(BinaryData.FromString(""), overwrite: false, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status is 409 or 412)
                {
                    // Another host created it.
                }
            }
        }
    }

    private static string BlobName(int partition) => $"p{partition:D2}";

    public async Task RunAsync(CancellationToken stopping)
    {
        TimeSpan interval = options.LeaseDuration / 3;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await RenewAsync(stopping);
                await BalanceAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Partition lease maintenance failed; retrying.");
            }

            try
            {
                await Task.Delay(interval, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        foreach (var (partition, lease) in owned)
        {
            try
            {
                await lease.RenewAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException ex)
            {
                logger.LogWarning("Lost the lease of partition {Partition}: {Reason}", partition, ex.ErrorCode);
                if (owned.TryRemove(partition, out _))
                {
                    Lost?.Invoke(partition);
                }
            }
        }
    }

    /// <summary>
    /// Writes this host's heartbeat blob and returns the hosts whose heartbeat is recent (judged by the storage
    /// service's own clock, so hosts' clocks need not agree). A new host is seen before it holds any lease.
    /// </summary>
    private async Task<HashSet<string>> LiveWorkersAsync(CancellationToken cancellationToken)
    {
        var mine = await store.Leases.GetBlobClient(WorkersPrefix + WorkerId).UploadAsync(BinaryData.FromString(WorkerId), overwrite: true, cancellationToken);
        DateTimeOffset serverNow = mine.Value.LastModified;
        var live = new HashSet<string> { WorkerId };
        await foreach (var blob in store.Leases.GetBlobsAsync(new GetBlobsOptions { Prefix = WorkersPrefix }, cancellationToken))
        {
            if (blob.Properties.LastModified is { } seen && serverNow - seen < options.LeaseDuration)
            {
                live.Add(blob.Name[WorkersPrefix.Length..]);
            }
        }

        return live;
    }

    private const string WorkersPrefix = "workers/";

    private async Task BalanceAsync(CancellationToken cancellationToken)
    {
        var free = new List<int>();
        var owners = await LiveWorkersAsync(cancellationToken);
        await foreach (var blob in store.Leases.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
        {
            if (blob.Name.StartsWith(WorkersPrefix, StringComparison.Ordinal) || !blob.Name.StartsWith('p') || !int.TryParse(blob.Name[1..], out int partition) || partition >= store.Names.PartitionCount)
            {
                continue;
            }

            string? owner = blob.Metadata.TryGetValue(OwnerMetadataKey, out var o) ? o : null;
            bool leased = blob.Properties.LeaseState == LeaseState.Leased;
            OwnerSeen?.Invoke(partition, leased && blob.Metadata.TryGetValue(WakeMetadataKey, out var wake) ? wake : null);
            if (leased && owner is not null && owner != WorkerId)
            {
                owners.Add(owner);
            }
            else if (!owned.ContainsKey(partition) && (!leased || owner == WorkerId))
            {
                free.Add(partition);
            }
        }

        int target = (store.Names.PartitionCount + owners.Count - 1) / owners.Count;
        foreach (int partition in free)
        {
            if (owned.Count >= target)
            {
                break;
            }

            await TryAcquireAsync(partition, cancellationToken);
        }

        foreach (int partition in owned.Keys.OrderByDescending(p => p).Take(Math.Max(0, owned.Count - target)).ToList())
        {
            await ReleaseAsync(partition, cancellationToken);
        }
    }

    private async Task TryAcquireAsync(int partition, CancellationToken cancellationToken)
    {
        BlobClient blob = store.Leases.GetBlobClient(BlobName(partition));
        var lease = blob.GetBlobLeaseClient(LeaseId);
        try
        {
            await lease.AcquireAsync(options.LeaseDuration, cancellationToken: cancellationToken);
            var metadata = new Dictionary<string, string> { [OwnerMetadataKey] = WorkerId };
            if (WakeEndpoint is not null)
            {
                metadata[WakeMetadataKey] = WakeEndpoint;
            }

            await blob.SetMetadataAsync(
                metadata,
                new BlobRequestConditions { LeaseId = LeaseId },
                cancellationToken);
            owned[partition] = lease;
            logger.LogInformation("Worker {WorkerId} acquired partition {Partition}.", WorkerId, partition);
            Acquired?.Invoke(partition);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Someone else was faster.
        }
    }

    public async Task ReleaseAsync(int partition, CancellationToken cancellationToken)
    {
        if (owned.TryRemove(partition, out var lease))
        {
            Lost?.Invoke(partition);
            try
            {
                await lease.ReleaseAsync(cancellationToken: cancellationToken);
            }
            catch (RequestFailedException)
            {
                // Expired anyway.
            }

            logger.LogInformation("Worker {WorkerId} released partition {Partition}.", WorkerId, partition);
        }
    }

    /// <summary>Graceful shutdown: hands every partition back and withdraws this host's heartbeat.</summary>
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        foreach (int partition in owned.Keys.ToList())
        {
            await ReleaseAsync(partition, cancellationToken);
        }

        try
        {
            await store.Leases.DeleteBlobIfExistsAsync(WorkersPrefix + WorkerId, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException)
        {
            // It expires anyway.
        }
    }

    /// <summary>Forgets every lease without releasing it (a simulated crash).</summary>
    public void Abandon() => owned.Clear();
}
