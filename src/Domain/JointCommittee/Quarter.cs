namespace Governance.Domain.JointCommittee;

/// <summary>A calendar quarter of a year (China dates): the period of one regular joint meeting.</summary>
public readonly record struct Quarter(int Year, int Number)
{
    public DateOnly Start => new(Year, (Number - 1) * 3 + 1, 1);

    public DateOnly End => Start.AddMonths(3).AddDays(-1);

    public static IEnumerable<Quarter> Of(int year) => Enumerable.Range(1, 4).Select(q => new Quarter(year, q));

    public bool Contains(DateOnly date) => date >= Start && date <= End;
}
