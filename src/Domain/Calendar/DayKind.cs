namespace Governance.Domain.Calendar;

/// <summary>What kind of day a date is in the working-day calendar (工作日历).</summary>
public enum DayKind
{
    /// <summary>An ordinary Monday–Friday working day.</summary>
    WorkingDay,

    /// <summary>An ordinary Saturday or Sunday off.</summary>
    Weekend,

    /// <summary>A day inside a statutory holiday period (法定节假日, including the weekend days it absorbs).</summary>
    Holiday,

    /// <summary>A weekend day that is an official make-up working day (调休上班).</summary>
    MakeUpWorkday,
}
