using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Governance.Functions.Tests;

/// <summary>Bad settings stop the service at start-up with a message naming the setting (no storage needed).</summary>
public sealed class ConfigurationTests
{
    private static async Task<string> StartupFailureAsync(params (string Key, string? Value)[] overrides)
    {
        var settings = ServiceHost.Settings("UseDevelopmentStorage=true", "cfgHub");
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        // Validation runs when the host is built (Kestrel resolves the clock) or at the latest when it starts.
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = TestService.Build(settings);
            await app.StartAsync();
        });
        var failures = Flatten(ex).OfType<OptionsValidationException>().SelectMany(o => o.Failures).ToList();
        Assert.NotEmpty(failures);
        return string.Join("\n", failures);
    }

    private static IEnumerable<Exception> Flatten(Exception ex)
        => ex is AggregateException agg ? agg.InnerExceptions.SelectMany(Flatten) : [ex];

    [Theory]
    [InlineData("extensions:durableTask:storageProvider:partitionCount", "99", "extensions.durableTask.storageProvider.partitionCount")]
    [InlineData("extensions:durableTask:storageProvider:partitionCount", "four", "not an integer")]
    [InlineData("extensions:durableTask:hubName", "no-dashes!", "extensions.durableTask.hubName")]
    [InlineData("extensions:durableTask:maxConcurrentActivityFunctions", "0", "extensions.durableTask.maxConcurrentActivityFunctions")]
    [InlineData("extensions:durableTask:maxConcurrentOrchestratorFunctions", "-5", "extensions.durableTask.maxConcurrentOrchestratorFunctions")]
    [InlineData("extensions:durableTask:storageProvider:maxQueuePollingInterval", "soon", "extensions.durableTask.storageProvider.maxQueuePollingInterval")]
    [InlineData("governance:clockRate", "0", "governance.clockRate")]
    [InlineData("governance:clockStart", "next Tuesday", "governance.clockStart")]
    [InlineData("governance:calendar:holidaysFile", "/no/such/holidays.json", "governance.calendar.holidaysFile")]
    [InlineData("governance:escalation:streetOfficeAfterWorkingDays", "20", "governance.escalation")]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage")]
    [InlineData("Auth:Keys:1:Role", "superuser", "Auth:Keys:1:Role")]
    [InlineData("Auth:Keys:2:SecretSha256", "xyz", "Auth:Keys:2:SecretSha256")]
    [InlineData("Auth:Keys:0:Secret", "short", "Auth:Keys:0:Secret")]
    [InlineData("Auth:Keys:1:Name", "staff-key", "Auth:Keys:1:Name")]
    public async Task Bad_setting_stops_the_service_naming_the_setting(string key, string value, string expected)
        => Assert.Contains(expected, await StartupFailureAsync((key, value)));

    [Fact]
    public async Task Bad_workflow_setting_stops_the_service_at_start_naming_it()
    {
        var settings = ServiceHost.Settings("UseDevelopmentStorage=true", "cfgHub");
        settings["Workflows:Incubation:SupportMonths"] = "0";
        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = Governance.Functions.Hosting.GovernanceApp.Build([], new Governance.Functions.Hosting.GovernanceAppOptions
            {
                UseLocalSettings = false,
                RegisterWorkflows = true,
                Configure = b => b.Configuration.AddInMemoryCollection(settings),
            });
            await app.StartAsync();
        });

        Assert.Contains(Flatten(ex).OfType<OptionsValidationException>().SelectMany(o => o.Failures), f => f.Contains("SupportMonths", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bad_holidays_file_names_the_field()
    {
        string file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, "{\"years\":[{\"year\":2031}]}");
        try
        {
            string message = await StartupFailureAsync(("governance:calendar:holidaysFile", file));
            Assert.Contains("governance.calendar.holidaysFile", message);
            Assert.Contains("years[0]", message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Local_settings_values_map_to_configuration_keys()
    {
        string file = Path.GetTempFileName();
        File.WriteAllText(file, "{\"IsEncrypted\":false,\"Values\":{\"AzureWebJobsStorage\":\"UseDevelopmentStorage=true\",\"Auth__Keys__0__Name\":\"k\",\"N\":5}}");
        try
        {
            var values = Governance.Functions.Hosting.LocalSettings.Read(file).ToDictionary(kv => kv.Key, kv => kv.Value);
            Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
            Assert.Equal("k", values["Auth:Keys:0:Name"]);
            Assert.Equal("5", values["N"]);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
