namespace Governance.Domain.Calendar;

/// <summary>
/// One year's holiday arrangement as published by the State Council (国务院办公厅关于…年部分节假日安排的通知):
/// the holiday periods and the weekend days that become working days (调休).
/// </summary>
/// <param name="Year">The year the notice is for. Its holidays may spill into a neighbouring year (e.g. 元旦 starting on 12-31).</param>
/// <param name="Source">Where the data comes from, so auditors can check it (notice title, number, date).</param>
/// <param name="Provisional">True for a stand-in computed by <see cref="ProvisionalSchedule"/> before the notice is published.</param>
public sealed record HolidaySchedule(int Year, string Source, IReadOnlyList<Holiday> Holidays, IReadOnlyList<DateOnly> MakeUpWorkdays, bool Provisional = false);
