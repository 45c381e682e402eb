using Governance.Durable.Core;

namespace Governance.Durable.Runtime;

/// <summary>
/// What an execution's history says it still waits for from the runtime itself: activities scheduled without a
/// result and timers created without having fired (external events are left out: waiting for people is not stuck).
/// </summary>
internal sealed record OpenWork(IReadOnlyList<(int TaskId, string Name, string? Input)> Activities, IReadOnlyList<(int TimerId, DateTime FireAt)> Timers)
{
    public static OpenWork From(IReadOnlyList<HistoryEvent> history)
    {
        var activities = new Dictionary<int, (int, string, string?)>();
        var timers = new Dictionary<int, (int, DateTime)>();
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
            }
        }

        return new OpenWork([.. activities.Values], [.. timers.Values]);
    }
}
