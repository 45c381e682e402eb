using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

public sealed class SolarTermTests
{
    [Theory]
    [InlineData(2025, "2025-04-04")] // matches the 2025 notice (清明节 4–6 April)
    [InlineData(2026, "2026-04-05")] // matches the 2026 notice (清明节 4–6 April, Sunday the 5th)
    [InlineData(2027, "2027-04-05")]
    public void Qingming_dates(int year, string expected)
    {
        Assert.Equal(DateOnly.Parse(expected), SolarTerms.Qingming(year));
    }

    [Fact]
    public void Qingming_agrees_with_the_almanac_rule_for_the_21st_century()
    {
        // The almanac rule (寿星通式) for 清明 in 2001–2099: day = floor(Y × 0.2422 + 4.81) − floor(Y / 4), Y = year − 2000.
        for (var year = 2001; year <= 2099; year++)
        {
            int y = year - 2000;
            int expectedDay = (int)Math.Floor((y * 0.2422) + 4.81) - (y / 4);
            Assert.True(new DateOnly(year, 4, expectedDay) == SolarTerms.Qingming(year), $"Qingming {year}: rule says 4-{expectedDay}, computed {SolarTerms.Qingming(year)}");
        }
    }

    [Fact]
    public void The_March_equinox_of_2000_is_found_within_a_quarter_of_an_hour()
    {
        // Published instant: 2000-03-20 07:35 UTC.
        var instant = SolarTerms.InstantOf(2000, 0, new DateTime(2000, 3, 21, 0, 0, 0, DateTimeKind.Utc));

        Assert.InRange(instant, new DateTimeOffset(2000, 3, 20, 7, 20, 0, TimeSpan.Zero), new DateTimeOffset(2000, 3, 20, 7, 50, 0, TimeSpan.Zero));
    }
}
