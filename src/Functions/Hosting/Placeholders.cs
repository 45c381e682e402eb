using Governance.Durable;
using Governance.Workflows.Catalog;

namespace Governance.Functions.Hosting;

/// <summary>
/// Registers the governance workflows. TEMPORARY: the workflows branch provides
/// <c>AddGovernanceWorkflows(Action&lt;WorkflowSettings&gt;)</c>; until it is merged, nothing is registered.
/// </summary>
internal static class WorkflowRegistration
{
    public static void Register(IDurableTaskBuilder durable, IConfiguration configuration)
    {
    }
}

/// <summary>Notifications for GET /api/notifications; the workflows' NotificationOutbox once merged.</summary>
public interface INotificationFeed
{
    Task<IReadOnlyList<object>> QueryAsync(string? instanceId, string? street, string? community, int top, CancellationToken cancellationToken);
}

internal sealed class EmptyNotificationFeed : INotificationFeed
{
    public Task<IReadOnlyList<object>> QueryAsync(string? instanceId, string? street, string? community, int top, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<object>>([]);
}
