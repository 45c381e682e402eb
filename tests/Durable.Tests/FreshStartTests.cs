using Azure.Core;
using Azure.Core.Pipeline;
using Governance.Durable.Audit;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Durable.Tests;

/// <summary>
/// The first step of an instance this hub just created takes its partition to be empty: it reads nothing of it
/// (neither rows nor the audit head), and where that is wrong (a purged instance's trail) it conflicts and reloads.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class FreshStartTests(AzuriteFixture azurite)
{
    private static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<HelloCities>().AddOrchestrator<WaitForTwoEvents>().AddActivity<SayHello>();

    [Fact]
    public async Task The_first_step_of_a_new_instance_reads_nothing_of_its_history_partition()
    {
        var reads = new HistoryQueryCounter();
        await using var host = await TestHost.StartAsync(azurite, Tasks, configure: o => o.ConfigureStorageClientOptions = c => c.AddPolicy(reads, HttpPipelinePosition.PerCall));
        string id = "fresh-" + Guid.NewGuid().ToString("N")[..8];

        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents), null, new StartOrchestrationOptions(id));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));

        Assert.Equal(0, reads.HistoryReadsOf(id));
    }

    [Fact]
    public async Task An_id_started_again_after_its_purge_continues_its_audit_trail_after_one_conflict()
    {
        var conflicts = new ConflictedBatchCounter();
        await using var host = await TestHost.StartAsync(azurite, Tasks, services: s => s.AddAuditTrail(digests: false),
            configure: o => o.ConfigureStorageClientOptions = c => c.AddPolicy(conflicts, HttpPipelinePosition.PerCall));
        string id = "again-" + Guid.NewGuid().ToString("N")[..8];
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), null, new StartOrchestrationOptions(id));
        await host.WaitForCompletionAsync(id);
        Assert.Equal(1, (await host.Client.PurgeInstanceAsync(id)).PurgedInstanceCount);

        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), null, new StartOrchestrationOptions(id));
        var again = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, again.RuntimeStatus);
        var trail = host.Services.GetRequiredService<AuditTrail>();
        Assert.Equal(
            [AuditKinds.InstanceStarted, AuditKinds.InstanceCompleted, AuditKinds.InstancePurged, AuditKinds.InstanceStarted, AuditKinds.InstanceCompleted],
            (await trail.ReadAsync(id))!.Select(r => r.Kind));
        Assert.True((await trail.VerifyAsync(id)).Intact);
        // The trail's head was there: the optimistic first commit conflicted once, and the reload read the head.
        Assert.Equal(1, conflicts.Count);
    }

    /// <summary>Counts entity-group transactions the service refused with a conflict.</summary>
    private sealed class ConflictedBatchCounter : HttpPipelinePolicy
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            ProcessNext(message, pipeline);
            Record(message);
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            Record(message);
        }

        private void Record(HttpMessage message)
        {
            if (message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal) && message.Response.Content.ToString().Contains(" 409 ", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref count);
            }
        }
    }
}
