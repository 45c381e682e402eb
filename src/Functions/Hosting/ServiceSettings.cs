using System.Globalization;
using Governance.Domain.Calendar;
using Governance.Durable;
using Microsoft.Extensions.Options;

namespace Governance.Functions.Hosting;

/// <summary>
/// The service's settings read from host.json (Durable Functions schema where one exists, plus our own
/// <c>governance</c> section), local.settings.json Values and environment variables. Every value is parsed
/// by hand so a bad one is reported with the host.json path of the setting, and the service does not start.
/// </summary>
public sealed class ServiceSettings
{
    public const string DurableSection = "extensions:durableTask";
    public const string GovernanceSection = "governance";

    public string HubName { get; set; } = "GovernanceHub";
    public string ConnectionStringName { get; set; } = "AzureWebJobsStorage";
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";
    public int PartitionCount { get; set; } = 4;
    public int MaxConcurrentActivityFunctions { get; set; } = 20;
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 100;
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);
    public string DefaultVersion { get; set; } = string.Empty;

    /// <summary>Simulated seconds per real second (1 = real time). Demo mode uses <see cref="DemoClockRate"/>.</summary>
    public double ClockRate { get; set; } = 1;
    public double DemoClockRate { get; set; } = 86_400;

    /// <summary>
    /// Simulated instant the clock starts at (governance.clockStart, ISO 8601; without an offset it is China time).
    /// Null: real time. Either way a simulated clock continues across restarts (see <see cref="ServiceClock"/>).
    /// </summary>
    public DateTimeOffset? ClockStart { get; set; }

    /// <summary>How long a step submission waits for the instance's decision before answering 202 with the outcome's URL.</summary>
    public TimeSpan SubmissionWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Cross-host wake-ups (governance.wake): on, and where other hosts reach this one (see DurableTaskOptions.CrossHostWakeEnabled).</summary>
    public bool WakeEnabled { get; set; } = true;
    public string? WakeAddress { get; set; }
    public int WakePort { get; set; }

    /// <summary>Extra holiday/make-up-workday years (JSON file) on top of the built-in calendar; optional.</summary>
    public string? HolidaysFile { get; set; }

    /// <summary>Default reminder/escalation policy for processes (docs/processes.md, "What every process does"), from governance.escalation.</summary>
    public EscalationPolicy Escalation { get; set; } = EscalationPolicy.Default;

    /// <summary>The working-day calendar: built-in years plus those in <see cref="HolidaysFile"/>.</summary>
    public WorkingDayCalendar Calendar { get; set; } = WorkingDayCalendar.China;

    /// <summary>Errors found while reading; non-empty stops the service at start-up.</summary>
    public List<string> Errors { get; } = [];

    public void Load(IConfiguration configuration, string? contentRoot = null)
    {
        IConfigurationSection durable = configuration.GetSection(DurableSection);
        IConfigurationSection storage = durable.GetSection("storageProvider");
        IConfigurationSection governance = configuration.GetSection(GovernanceSection);

        HubName = Str(durable, "hubName", "extensions.durableTask.hubName") ?? HubName;
        if (!System.Text.RegularExpressions.Regex.IsMatch(HubName, "^[A-Za-z][A-Za-z0-9]{2,44}$"))
        {
            Errors.Add($"host.json extensions.durableTask.hubName: '{HubName}' must be 3-45 letters or digits, starting with a letter.");
        }

        ConnectionStringName = Str(storage, "connectionStringName", "extensions.durableTask.storageProvider.connectionStringName") ?? ConnectionStringName;
        string? connection = configuration[ConnectionStringName] ?? configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connection))
        {
            Errors.Add($"{ConnectionStringName}: the storage connection string is empty; set Values.{ConnectionStringName} in local.settings.json or the {ConnectionStringName} environment variable.");
        }
        else
        {
            ConnectionString = connection;
        }

        PartitionCount = Int(storage, "partitionCount", "extensions.durableTask.storageProvider.partitionCount", 1, 16) ?? PartitionCount;
        MaxQueuePollingInterval = Time(storage, "maxQueuePollingInterval", "extensions.durableTask.storageProvider.maxQueuePollingInterval",
            TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)) ?? MaxQueuePollingInterval;
        MaxConcurrentActivityFunctions = Int(durable, "maxConcurrentActivityFunctions", "extensions.durableTask.maxConcurrentActivityFunctions", 1, 10_000) ?? MaxConcurrentActivityFunctions;
        MaxConcurrentOrchestratorFunctions = Int(durable, "maxConcurrentOrchestratorFunctions", "extensions.durableTask.maxConcurrentOrchestratorFunctions", 1, 10_000) ?? MaxConcurrentOrchestratorFunctions;
        DefaultVersion = Str(durable, "defaultVersion", "extensions.durableTask.defaultVersion") ?? DefaultVersion;

        ClockRate = Dbl(governance, "clockRate", "governance.clockRate", 0.001, 10_000_000) ?? ClockRate;
        DemoClockRate = Dbl(governance, "demoClockRate", "governance.demoClockRate", 0.001, 10_000_000) ?? DemoClockRate;
        ClockStart = Instant(governance, "clockStart", "governance.clockStart") ?? ClockStart;
        SubmissionWait = Time(governance, "submissionWait", "governance.submissionWait", TimeSpan.Zero, TimeSpan.FromMinutes(2)) ?? SubmissionWait;

        IConfigurationSection wake = governance.GetSection("wake");
        if (Str(wake, "enabled", "governance.wake.enabled") is { } enabled)
        {
            if (bool.TryParse(enabled, out bool on))
            {
                WakeEnabled = on;
            }
            else
            {
                Errors.Add($"host.json governance.wake.enabled: '{enabled}' is not true or false.");
            }
        }

        WakeAddress = Str(wake, "address", "governance.wake.address");
        if (WakeAddress is not null && !System.Net.IPAddress.TryParse(WakeAddress, out _))
        {
            Errors.Add($"host.json governance.wake.address: '{WakeAddress}' is not an IP address (the one other hosts reach this host at).");
            WakeAddress = null;
        }

        WakePort = Int(wake, "port", "governance.wake.port", 0, 65535) ?? WakePort;

        HolidaysFile = Str(governance.GetSection("calendar"), "holidaysFile", "governance.calendar.holidaysFile");
        if (!string.IsNullOrWhiteSpace(HolidaysFile))
        {
            string path = Path.IsPathRooted(HolidaysFile) || contentRoot is null ? HolidaysFile : Path.Combine(contentRoot, HolidaysFile);
            if (!File.Exists(path))
            {
                Errors.Add($"host.json governance.calendar.holidaysFile: file '{path}' does not exist.");
                HolidaysFile = null;
            }
            else
            {
                HolidaysFile = Path.GetFullPath(path);
            }
        }
        else
        {
            HolidaysFile = null;
        }

        if (HolidaysFile is not null)
        {
            try
            {
                var extra = WorkingDayCalendar.FromJson(File.ReadAllText(HolidaysFile));
                Calendar = WorkingDayCalendar.China.WithSchedules(extra.Years.Select(y => extra.ScheduleFor(y)!));
            }
            catch (CalendarDataException ex)
            {
                Errors.Add($"host.json governance.calendar.holidaysFile ({HolidaysFile}): {ex.Message}");
            }
        }

        IConfigurationSection esc = governance.GetSection("escalation");
        var policy = EscalationPolicy.Default;
        IReadOnlyList<int> remind = policy.RemindWorkingDaysBefore;
        var remindSection = esc.GetSection("remindWorkingDaysBefore");
        if (remindSection.GetChildren().Any())
        {
            var values = new List<int>();
            foreach (var child in remindSection.GetChildren())
            {
                if (Int(remindSection, child.Key, $"governance.escalation.remindWorkingDaysBefore[{child.Key}]", 0, 60) is int v)
                {
                    values.Add(v);
                }
            }

            remind = values;
        }
        else if (remindSection.Value is not null)
        {
            remind = Int(esc, "remindWorkingDaysBefore", "governance.escalation.remindWorkingDaysBefore", 0, 60) is int single ? [single] : remind;
        }

        int supervisor = Int(esc, "supervisorAfterWorkingDays", "governance.escalation.supervisorAfterWorkingDays", 1, 365) ?? policy.SupervisorAfterWorkingDays;
        int street = Int(esc, "streetOfficeAfterWorkingDays", "governance.escalation.streetOfficeAfterWorkingDays", 1, 365) ?? policy.StreetOfficeAfterWorkingDays;
        int district = Int(esc, "districtAfterWorkingDays", "governance.escalation.districtAfterWorkingDays", 1, 365) ?? policy.DistrictAfterWorkingDays;
        try
        {
            Escalation = new EscalationPolicy(remind, supervisor, street, district);
        }
        catch (ArgumentException ex)
        {
            Errors.Add($"host.json governance.escalation: {ex.Message}");
        }
    }

    public void ApplyTo(DurableTaskOptions options)
    {
        options.ConnectionString = ConnectionString;
        options.HubName = HubName;
        options.PartitionCount = PartitionCount;
        options.MaxConcurrentActivityFunctions = MaxConcurrentActivityFunctions;
        options.MaxConcurrentOrchestratorFunctions = MaxConcurrentOrchestratorFunctions;
        options.MaxQueuePollingInterval = MaxQueuePollingInterval;
        options.DefaultVersion = DefaultVersion;
        options.CrossHostWakeEnabled = WakeEnabled;
        options.WakeAddress = WakeAddress;
        options.WakePort = WakePort;
    }

    private static string? Str(IConfigurationSection section, string key, string path)
    {
        string? value = section[key];
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }

    private int? Int(IConfigurationSection section, string key, string path, int min, int max)
    {
        string? raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
        {
            Errors.Add($"host.json {path}: '{raw}' is not an integer.");
            return null;
        }

        if (value < min || value > max)
        {
            Errors.Add($"host.json {path}: {value} must be between {min} and {max}.");
            return null;
        }

        return value;
    }

    private double? Dbl(IConfigurationSection section, string key, string path, double min, double max)
    {
        string? raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || double.IsNaN(value))
        {
            Errors.Add($"host.json {path}: '{raw}' is not a number.");
            return null;
        }

        if (value < min || value > max)
        {
            Errors.Add($"host.json {path}: {value} must be between {min} and {max}.");
            return null;
        }

        return value;
    }

    private DateTimeOffset? Instant(IConfigurationSection section, string key, string path)
    {
        string? raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        raw = raw.Trim();
        bool hasOffset = System.Text.RegularExpressions.Regex.IsMatch(raw, @"(Z|[+-]\d{2}:?\d{2})$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (hasOffset && DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        if (!hasOffset && DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return new DateTimeOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), ChinaTime.Offset);
        }

        Errors.Add($"host.json {path}: '{raw}' is not an ISO 8601 date-time (e.g. 2026-02-13T10:00:00+08:00; without an offset China time is assumed).");
        return null;
    }

    private TimeSpan? Time(IConfigurationSection section, string key, string path, TimeSpan min, TimeSpan max)
    {
        string? raw = section[key];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        if (!TimeSpan.TryParse(raw, CultureInfo.InvariantCulture, out TimeSpan value))
        {
            Errors.Add($"host.json {path}: '{raw}' is not a time span (hh:mm:ss).");
            return null;
        }

        if (value < min || value > max)
        {
            Errors.Add($"host.json {path}: {value} must be between {min} and {max}.");
            return null;
        }

        return value;
    }
}

internal sealed class ServiceSettingsValidator : IValidateOptions<ServiceSettings>
{
    public ValidateOptionsResult Validate(string? name, ServiceSettings options)
        => options.Errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Errors);
}
