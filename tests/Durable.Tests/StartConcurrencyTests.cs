using Azure.Core;
using Azure.Core.Pipeline;
using Governance.TestSupport;

namespace Governance.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class StartConcurrencyTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Many_concurrent_starts_reach_storage_at_most_the_configured_number_at_a_time()
    {
        var inserts = new ConcurrentInsertCounter();
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestrator<HelloCities>().AddActivity<SayHello>(), configure: o =>
        {
            o.WorkerEnabled = false;
            o.MaxConcurrentStarts = 2;
            o.ConfigureStorageClientOptions = c => c.AddPolicy(inserts, HttpPipelinePosition.PerCall);
        });

        var ids = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => Task.Run(() => host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities)))));

        Assert.Equal(40, ids.Distinct().Count());
        Assert.Equal(40, inserts.Total);
        Assert.InRange(inserts.MaxInFlight, 1, 2);
    }

    /// <summary>Counts inserts into the Instances table and the most in flight at once.</summary>
    private sealed class ConcurrentInsertCounter : HttpPipelinePolicy
    {
        private int inFlight;
        private int max;
        private int total;

        public int MaxInFlight => Volatile.Read(ref max);

        public int Total => Volatile.Read(ref total);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
            => ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            bool insert = message.Request.Method == RequestMethod.Post && message.Request.Uri.ToUri().AbsolutePath.EndsWith("Instances", StringComparison.Ordinal);
            if (!insert)
            {
                await ProcessNextAsync(message, pipeline);
                return;
            }

            Interlocked.Increment(ref total);
            int now = Interlocked.Increment(ref inFlight);
            int seen;
            while (now > (seen = Volatile.Read(ref max)) && Interlocked.CompareExchange(ref max, now, seen) != seen)
            {
            }

            try
            {
                await ProcessNextAsync(message, pipeline);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }
    }
}
