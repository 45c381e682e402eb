namespace Governance.Domain.Calendar;

/// <summary>Display names for <see cref="EscalationLevel"/> in both languages the UI and audit reports use.</summary>
public static class EscalationLevelNames
{
    public static string ToChinese(this EscalationLevel level) => level switch
    {
        EscalationLevel.None => "无",
        EscalationLevel.Supervisor => "主管",
        EscalationLevel.StreetOffice => "街道办事处",
        EscalationLevel.District => "区",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown escalation level."),
    };

    public static string ToEnglish(this EscalationLevel level) => level switch
    {
        EscalationLevel.None => "None",
        EscalationLevel.Supervisor => "Supervisor",
        EscalationLevel.StreetOffice => "Street office",
        EscalationLevel.District => "District",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Unknown escalation level."),
    };
}
