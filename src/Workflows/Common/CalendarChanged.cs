namespace Governance.Workflows.Common;

/// <summary>
/// Event to a waiting human step: holiday notices for <see cref="Years"/> are now loaded, so its provisional plan
/// should be computed again. Raised by <see cref="CalendarChangeBroadcaster"/> under <see cref="EventNameFor"/>, one
/// name per occurrence of a step (its step token, e.g. <c>ProgressReported#2</c>): two steps open at once each receive
/// their own, and a duplicate that arrives after its step closed is never taken by a later occurrence.
/// </summary>
public sealed record CalendarChanged(IReadOnlyList<int> Years)
{
    public const string EventPrefix = "CalendarChanged:";

    public static string EventNameFor(string stepToken) => EventPrefix + stepToken;

    /// <summary>The step's event name inside a calendar event's name (the token without its occurrence).</summary>
    public static string StepOf(string calendarEventName)
    {
        string token = calendarEventName[EventPrefix.Length..];
        int hash = token.LastIndexOf('#');
        return hash < 0 ? token : token[..hash];
    }

    /// <summary>True for the internal calendar events (not a step staff submit).</summary>
    public static bool IsCalendarEvent(string eventName) => eventName.StartsWith(EventPrefix, StringComparison.Ordinal);
}
