namespace Governance.Domain.JointCommittee;

/// <summary>
/// The member units (成员单位) of a community's joint Party committee (社区大党委) in their agreed chair order. The
/// rotating chair (轮值主席) moves one unit per quarter and carries over across years: quarter k of the whole run
/// (counted from the committee's first quarter) is chaired by unit k mod n.
/// </summary>
public sealed record MemberUnits
{
    public MemberUnits(IReadOnlyList<string> units)
    {
        Rule.Require(units is { Count: > 0 }, "committee.units", "A joint committee needs at least one member unit.", "社区大党委至少须有一个成员单位。");
        Rule.Require(units.All(u => !string.IsNullOrWhiteSpace(u)), "committee.units", "A member unit's name is required.", "成员单位名称不能为空。");
        var duplicate = units.GroupBy(u => u.Trim(), StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        Rule.Require(duplicate is null, "committee.units", $"Member unit '{duplicate?.Key}' is listed twice.", $"成员单位“{duplicate?.Key}”重复。");
        Units = units.Select(u => u.Trim()).ToList();
    }

    public IReadOnlyList<string> Units { get; }

    /// <summary>The chair of the <paramref name="rotationIndex"/>-th quarter chaired since the committee began (0-based).</summary>
    public string ChairAt(int rotationIndex) => Units[(int)((uint)rotationIndex % (uint)Units.Count)];

    public bool Contains(string? unit) => unit is not null && Units.Contains(unit.Trim(), StringComparer.Ordinal);

    /// <summary>Throws <c>{code}</c> naming <paramref name="unit"/> when it is not a member unit.</summary>
    public string Require(string? unit, string code, string whatEn, string whatZh)
    {
        Rule.RequireText(unit, code, whatEn, whatZh);
        Rule.Require(Contains(unit), code, $"{whatEn} '{unit}' is not a member unit of the committee.", $"{whatZh}“{unit}”不是社区大党委成员单位。");
        return unit!.Trim();
    }
}
