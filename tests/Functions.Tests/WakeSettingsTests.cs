using Governance.Durable;
using Governance.Functions.Hosting;
using Microsoft.Extensions.Configuration;

namespace Governance.Functions.Tests;

public sealed class WakeSettingsTests
{
    private static ServiceSettings Load(Dictionary<string, string?> values)
    {
        values["AzureWebJobsStorage"] = "UseDevelopmentStorage=true";
        var settings = new ServiceSettings();
        settings.Load(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        return settings;
    }

    [Fact]
    public void Cross_host_wake_ups_are_on_by_default_and_configured_from_the_governance_wake_section()
    {
        var defaults = new DurableTaskOptions();
        Load([]).ApplyTo(defaults);
        Assert.True(defaults.CrossHostWakeEnabled);

        var settings = Load(new() { ["governance:wake:enabled"] = "false", ["governance:wake:address"] = "10.0.0.7", ["governance:wake:port"] = "7072" });
        var options = new DurableTaskOptions();
        settings.ApplyTo(options);

        Assert.Empty(settings.Errors);
        Assert.False(options.CrossHostWakeEnabled);
        Assert.Equal("10.0.0.7", options.WakeAddress);
        Assert.Equal(7072, options.WakePort);
    }

    [Theory]
    [InlineData("governance:wake:address", "host-a", "governance.wake.address")]
    [InlineData("governance:wake:port", "70000", "governance.wake.port")]
    [InlineData("governance:wake:enabled", "maybe", "governance.wake.enabled")]
    public void A_bad_value_stops_the_service_naming_the_setting(string key, string value, string path)
    {
        var settings = Load(new() { [key] = value });

        Assert.Contains(settings.Errors, e => e.Contains(path, StringComparison.Ordinal));
    }
}
