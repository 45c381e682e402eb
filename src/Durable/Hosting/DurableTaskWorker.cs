using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Governance.Durable;

/// <summary>Hosted service that runs the worker of the task hub in this process (unless disabled in options).</summary>
internal sealed class DurableTaskWorker(DurableTaskHub hub, IOptions<DurableTaskOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.WorkerEnabled)
        {
            await hub.StartWorkerAsync(cancellationToken);
        }
        else
        {
            await hub.EnsureStorageAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
        => options.Value.WorkerEnabled ? hub.StopWorkerAsync(cancellationToken) : Task.CompletedTask;
}
