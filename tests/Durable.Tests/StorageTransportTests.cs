using System.Text.RegularExpressions;
using Governance.Durable.Storage;
using Governance.TestSupport;

namespace Governance.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class StorageTransportTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Many_concurrent_callers_share_at_most_the_configured_connections_per_endpoint()
    {
        const int limit = 3; // a limit no other test uses, so this transport is this test's own
        await using var host = await TestHost.StartAsync(azurite, _ => { }, configure: o => { o.WorkerEnabled = false; o.MaxStorageConnectionsPerEndpoint = limit; });
        int tablePort = int.Parse(Regex.Match(azurite.ConnectionString, @"TableEndpoint=http://[^:]+:(\d+)").Groups[1].Value);

        await Task.WhenAll(Enumerable.Range(0, 60).Select(k => host.Client.GetInstanceAsync($"missing-{k}")));

        int opened = StorageTransports.ConnectionsOpened(limit, tablePort);
        Assert.InRange(opened, 1, limit);
    }
}
