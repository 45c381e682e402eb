using Governance.Durable.Core;

namespace Governance.Durable.Runtime;

/// <summary>
/// What an execution's history says it still waits for from the runtime itself: activities scheduled without a
/// result, timers created without having fired, and sub-orchestrations started without their outcome (external events
/// are left out: waiting for people is not stuck).
/// </summary>
internal sealed record OpenWork(
    IReadOnlyList<(int TaskId, string Name, string? Input)> Activities,
    IReadOnlyList<(int TimerId, DateTime FireAt)> Timers,
    IReadOnlyList<(int TaskId, string InstanceId)> SubOrchestrations)
{
    public static OpenWork From(IReadOnlyList<HistoryEvent> history)
    {
        var activities = new Dictionary<int, (int, string, string?)>();
        var timers = new Dictionary<int, (int, DateTime)>();
        var children = new Dictionary<int, (int, string)>();
        foreach (var e in history)
        {
            switch (e)
            {
                case TaskScheduledEvent s:
                    activities[s.EventId] = (s.EventId, s.Name, s.Input);
                    break;
                case TaskCompletedEvent c:
                    activities.Remove(c.TaskScheduledId);
                    break;
                case TaskFailedEvent f:
                    activities.Remove(f.TaskScheduledId);
                    break;
                case TimerCreatedEvent t:
                    timers[t.EventId] = (t.EventId, t.FireAt);
                    break;
                case TimerFiredEvent f:
                    timers.Remove(f.TimerId);
                    break;
                case SubOrchestrationInstanceCreatedEvent c:
                    children[c.EventId] = (c.EventId, c.InstanceId);
                    break;
                case SubOrchestrationInstanceCompletedEvent c:
                    children.Remove(c.TaskScheduledId);
                    break;
                case SubOrchestrationInstanceFailedEvent f:
                    children.Remove(f.TaskScheduledId);
                    break;
            }
        }

        return new OpenWork([.. activities.Values], [.. timers.Values], [.. children.Values]);
    }
}
