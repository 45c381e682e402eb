namespace Governance.Domain.Calendar;

/// <summary>One statutory holiday period, both ends inclusive (e.g. 春节 2026-02-15..2026-02-23).</summary>
public sealed record Holiday(string Name, string NameEn, DateOnly From, DateOnly To);
