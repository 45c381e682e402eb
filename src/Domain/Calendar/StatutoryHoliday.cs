namespace Governance.Domain.Calendar;

/// <summary>
/// One festival's statutory days off (法定假日) in one year, as the national regulation fixes them, before any
/// State Council arrangement: e.g. 春节 2027 = 2027-02-05..2027-02-08 (lunar New Year's Eve to the 3rd day).
/// </summary>
public sealed record StatutoryHoliday(string Name, string NameEn, IReadOnlyList<DateOnly> Days);
