namespace Governance.Domain;

/// <summary>
/// A governance rule refused an input or a transition. Staff read the reason, so it comes in English and Chinese;
/// <see cref="Code"/> is stable for clients and tests.
/// </summary>
public sealed class DomainRuleException(string code, string messageEn, string messageZh)
    : Exception($"{code}: {messageEn} / {messageZh}")
{
    public string Code { get; } = code;
    public string MessageEn { get; } = messageEn;
    public string MessageZh { get; } = messageZh;
}

/// <summary>Guard helpers that raise <see cref="DomainRuleException"/>.</summary>
public static class Rule
{
    public static void Require(bool condition, string code, string messageEn, string messageZh)
    {
        if (!condition)
        {
            throw new DomainRuleException(code, messageEn, messageZh);
        }
    }

    public static string RequireText(string? value, string code, string whatEn, string whatZh)
    {
        Require(!string.IsNullOrWhiteSpace(value), code, $"{whatEn} is required.", $"{whatZh}不能为空。");
        return value!.Trim();
    }
}
