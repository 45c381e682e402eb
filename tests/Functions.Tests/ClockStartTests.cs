using Governance.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Governance.Functions.Tests;

/// <summary>Where a simulated clock starts: never before the time the previous run of the hub reached.</summary>
public sealed class ClockStartTests
{
    private static readonly DateTimeOffset Real = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Feb2026 = new(2026, 2, 13, 10, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset Feb2027 = new(2027, 2, 3, 10, 0, 0, TimeSpan.FromHours(8));

    [Fact]
    public void A_first_run_starts_at_clockStart_or_the_real_time()
    {
        Assert.Equal(Feb2026, ClockStart.Decide(Feb2026, null, Real).Start);
        Assert.Equal(Real, ClockStart.Decide(null, null, Real).Start);
    }

    [Fact]
    public void An_unchanged_clockStart_continues_where_the_previous_run_stopped()
    {
        var stopped = Feb2026.AddDays(3);

        var decision = ClockStart.Decide(Feb2026, new SimulatedClockState(stopped, Feb2026), Real);

        Assert.Equal(stopped, decision.Start);
        Assert.Null(decision.Warning);
    }

    [Fact]
    public void A_later_clockStart_moves_the_clock_forward()
    {
        var decision = ClockStart.Decide(Feb2027, new SimulatedClockState(Feb2026.AddDays(3), Feb2026), Real);

        Assert.Equal(Feb2027, decision.Start);
    }

    [Fact]
    public void An_earlier_clockStart_is_refused_with_a_warning_because_the_clock_never_goes_back()
    {
        var reached = Feb2027.AddHours(5);

        var decision = ClockStart.Decide(Feb2026, new SimulatedClockState(reached, Feb2027), Real);

        Assert.Equal(reached, decision.Start);
        Assert.Contains("never goes back", decision.Warning);
        Assert.Contains("hubName", decision.Warning);
    }

    [Fact]
    public void Without_clockStart_an_accelerated_clock_continues_unless_real_time_is_later()
    {
        var ahead = Real.AddDays(40);
        Assert.Equal(ahead, ClockStart.Decide(null, new SimulatedClockState(ahead, null), Real).Start);

        var behind = Real.AddDays(-2);
        Assert.Equal(Real, ClockStart.Decide(null, new SimulatedClockState(behind, null), Real).Start);
    }
}

/// <summary>governance.clockStart is read as ISO 8601; without an offset it is China time.</summary>
public sealed class ClockStartSettingTests
{
    [Theory]
    [InlineData("2026-02-13T10:00:00+08:00", "2026-02-13T02:00:00Z")]
    [InlineData("2026-02-13T02:00:00Z", "2026-02-13T02:00:00Z")]
    [InlineData("2026-02-13T10:00", "2026-02-13T02:00:00Z")] // China time
    [InlineData("2026-02-13", "2026-02-12T16:00:00Z")] // midnight China time
    public void Parsed(string value, string expectedUtc)
    {
        var settings = new ServiceSettings();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["governance:clockStart"] = value, ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" })
            .Build();

        settings.Load(configuration);

        Assert.Empty(settings.Errors);
        Assert.Equal(DateTimeOffset.Parse(expectedUtc), settings.ClockStart);
    }
}
