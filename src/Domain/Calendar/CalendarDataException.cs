namespace Governance.Domain.Calendar;

/// <summary>Holiday schedule data is malformed or inconsistent. <see cref="Field"/> names the offending field.</summary>
public sealed class CalendarDataException : Exception
{
    public CalendarDataException(string field, string problem, Exception? innerException = null)
        : base($"Invalid holiday calendar data at '{field}': {problem}", innerException)
    {
        Field = field;
    }

    /// <summary>Path of the bad field, e.g. <c>years[1].holidays[0].to</c>.</summary>
    public string Field { get; }
}
