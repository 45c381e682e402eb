using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

public sealed class HolidayNoticeCoverageTests
{
    [Theory]
    [InlineData("2026-09-30", new int[0])]
    [InlineData("2026-10-01", new[] { 2027 })] // from 1 October next year's notice is expected
    [InlineData("2026-12-31", new[] { 2027 })]
    [InlineData("2027-01-01", new[] { 2027 })] // this year's notice is always expected
    [InlineData("2025-10-01", new int[0])]
    [InlineData("2024-10-01", new[] { 2024 })]
    public void Missing_notices(string today, int[] expected)
    {
        Assert.Equal(expected, HolidayNoticeCoverage.MissingNotices(WorkingDayCalendar.China, DateOnly.Parse(today)));
    }
}
