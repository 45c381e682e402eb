namespace Governance.Workflows.Common;

/// <summary>
/// Event to a waiting human step: holiday notices for <see cref="Years"/> are now loaded, so its provisional plan
/// should be computed again. Raised by <see cref="CalendarChangeBroadcaster"/> under <see cref="EventNameFor"/>, one
/// name per step so two steps open at once each receive their own.
/// </summary>
public sealed record CalendarChanged(IReadOnlyList<int> Years)
{
    public const string EventPrefix = "CalendarChanged:";

    public static string EventNameFor(string stepEventName) => EventPrefix + stepEventName;

    /// <summary>True for the internal calendar events (not a step staff submit).</summary>
    public static bool IsCalendarEvent(string eventName) => eventName.StartsWith(EventPrefix, StringComparison.Ordinal);
}
