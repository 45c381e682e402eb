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

/// <summary>
/// TEMPORARY stand-in for Governance.Durable.AcceleratedTimeProvider (the lead provides it in src/Durable):
/// time runs <c>rate</c> times faster than <c>inner</c>, starting from inner's now.
/// </summary>
internal sealed class AcceleratedTimeProvider : TimeProvider
{
    private readonly TimeProvider inner;
    private readonly double rate;
    private readonly DateTimeOffset origin;
    private readonly long originTimestamp;

    public AcceleratedTimeProvider(TimeProvider inner, double rate)
    {
        this.inner = inner;
        this.rate = rate;
        origin = inner.GetUtcNow();
        originTimestamp = inner.GetTimestamp();
    }

    public override DateTimeOffset GetUtcNow()
        => origin + TimeSpan.FromTicks((long)(inner.GetElapsedTime(originTimestamp).Ticks * rate));

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        => inner.CreateTimer(callback, state, Scale(dueTime), Scale(period));

    private TimeSpan Scale(TimeSpan span) => span == Timeout.InfiniteTimeSpan ? span : TimeSpan.FromTicks((long)(span.Ticks / rate));
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
