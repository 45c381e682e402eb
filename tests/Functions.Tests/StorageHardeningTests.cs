using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Governance.Durable;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Functions.Tests;

/// <summary>Storage seen from the service: outages, shutdown, requests per search (issue 9). Each test has its own Azurite.</summary>
public sealed class StorageHardeningTests
{
    private static string NewHub() => "sto" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public void A_storage_call_that_timed_out_counts_as_storage_unavailable_not_as_an_unexpected_error()
    {
        // What the Azure SDK throws when a request exceeds its network timeout, alone and after its retries.
        var timedOut = new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout of 0:01:40.");
        Assert.True(StorageFailure.IsUnavailable(timedOut));
        Assert.True(StorageFailure.IsUnavailable(new AggregateException("Retry failed after 4 tries.", timedOut, timedOut)));
        Assert.False(StorageFailure.IsUnavailable(new InvalidOperationException("a bug")));
    }

    [Fact]
    public async Task With_storage_down_requests_get_503_with_retry_after_and_shutdown_stays_bounded()
    {
        var azurite = await Azurite.StartAsync();
        var host = await TestService.StartAsync(azurite.ConnectionString, NewHub());
        try
        {
            var staff = host.Client("staff");
            string id = $"down-{Guid.NewGuid():N}";
            using (var started = await staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(TestService.Input())))
            {
                Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            }

            await Http.WaitForStepAsync(staff, id, "submit");
            await azurite.DisposeAsync();

            foreach (var request in new Func<Task<HttpResponseMessage>>[]
            {
                () => staff.GetAsync($"/api/workflows/{id}"),
                () => staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}", Http.Json(TestService.Input())),
                () => staff.GetAsync("/api/workflows?status=Running"),
                () => staff.GetAsync("/runtime/webhooks/durabletask/instances?runtimeStatus=Running"),
            })
            {
                using var response = await request();
                var problem = await response.ProblemAsync(503);
                Assert.Equal("storage", (string?)problem["field"]);
                Assert.Equal("storage-unavailable", (string?)problem["rule"]);
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After is missing");
            }

            using var health = await host.Client(null).GetAsync("/healthz");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);

            // Shutdown with storage gone: bounded by the host's shutdown timeout (5 s), not by the SDK's retries.
            await host.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_tag_search_reads_storage_once_per_page_not_once_per_hit()
    {
        await using var azurite = await Azurite.StartAsync();
        var counter = new InstanceReads();
        await using var host = await TestService.StartAsync(azurite.ConnectionString, NewHub(),
            s => s.PostConfigure<DurableTaskOptions>(o => o.ConfigureStorageClientOptions = c => c.AddPolicy(counter, HttpPipelinePosition.PerCall)));
        var staff = host.Client("staff");
        const int hits = 25;
        for (int i = 0; i < hits; i++)
        {
            using var r = await staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}", Http.Json(TestService.Input(community: "一查社区")));
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        using (var other = await staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}", Http.Json(TestService.Input(community: "别的社区"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        }

        int before = counter.Count;
        using var search = await staff.GetAsync($"/api/workflows?tag.community={Uri.EscapeDataString("一查社区")}&tag.street={Uri.EscapeDataString("清源街道")}&top=100");
        int reads = counter.Count - before;

        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Equal(hits, (await search.ReadJsonAsync())["items"]!.AsArray().Count);
        Assert.True(reads == 1, $"{reads} reads of the Instances/Tags tables for one page of {hits} hits");
    }

    /// <summary>Counts reads (GET) of the Instances and Tags tables.</summary>
    private sealed class InstanceReads : HttpPipelineSynchronousPolicy
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public override void OnSendingRequest(HttpMessage message)
        {
            string path = message.Request.Uri.Path;
            if (message.Request.Method == RequestMethod.Get && (path.Contains("Instances", StringComparison.Ordinal) || path.Contains("Tags", StringComparison.Ordinal)))
            {
                Interlocked.Increment(ref count);
            }
        }
    }
}
