using Governance.Durable.Core;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Durable.Tests;

/// <summary>The shared activity work-item queue on a real Azurite queue.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class WorkItemQueueTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_work_item_is_received_only_with_a_slot_a_local_activity_cannot_take_from_it()
    {
        var gate = new ActivityGate();
        gate.Release.Release();
        await using var host = await TestHost.StartAsync(azurite, r => r.AddActivity<GatedActivity>(),
            configure: o => o.MaxConcurrentActivityFunctions = 1, services: s => s.AddSingleton(gate));
        var request = new ActivityRequest("work-" + Guid.NewGuid().ToString("N")[..8], "exec", 0, nameof(GatedActivity), "\"x\"");
        bool? localActivityTookTheSlot = null;
        var ran = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Hub.WorkItems.BeforeReceive = async slots =>
        {
            if (localActivityTookTheSlot is null)
            {
                // The work item is in the queue; a local activity is dispatched at this moment and asks for a slot.
                await host.Hub.Store.WorkItems.SendMessageAsync(await host.Hub.Store.ToQueueTextAsync(request));
                localActivityTookTheSlot = slots.Wait(0);
                host.Hub.WorkItems.BeforeReceive = null;
                if (localActivityTookTheSlot == true)
                {
                    ran.TrySetResult(); // the work item would now wait for a slot with its message not renewed
                }
            }
        };
        host.Hub.StepExecuting += (id, starting) => { if (id == request.InstanceId) { ran.TrySetResult(); } };

        // The activity ran and its result reached the instance's session (for an execution that does not exist: dropped).
        await ran.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(localActivityTookTheSlot);
        Assert.Equal(1, gate.Runs);
    }
}
