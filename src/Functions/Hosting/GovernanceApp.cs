using System.Text.Json;
using Governance.Durable;
using Governance.Durable.Audit;
using Governance.Functions.Api;
using Governance.Functions.Security;
using Governance.Functions.WebConsole;
using Governance.Workflows.Catalog;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Governance.Functions.Hosting;

/// <summary>How a host is put together; tests replace the workflows and add configuration.</summary>
public sealed class GovernanceAppOptions
{
    /// <summary>Register the real governance workflows (catalog, orchestrators, demo scenarios).</summary>
    public bool RegisterWorkflows { get; set; } = true;

    /// <summary>Extra orchestrators/activities (tests).</summary>
    public Action<DurableTaskRegistry>? Tasks { get; set; }

    /// <summary>Last word on configuration and services, run after host.json/local.settings/env are loaded.</summary>
    public Action<WebApplicationBuilder>? Configure { get; set; }

    /// <summary>Demo mode: the accelerated demo clock rate is used.</summary>
    public bool Demo { get; set; }

    /// <summary>Read the developer's local.settings.json (false in tests, which must not depend on a developer's keys).</summary>
    public bool UseLocalSettings { get; set; } = true;
}

/// <summary>Builds the service: configuration (host.json, local.settings.json, environment), durable runtime, API.</summary>
public static class GovernanceApp
{
    public const string DefaultUrl = "http://127.0.0.1:7071";

    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Demo mode's task hub is the configured hub's name with this suffix (its own tables, queues and blobs).</summary>
    public const string DemoHubSuffix = "Demo";

    /// <summary>In demo mode, a one-off staff key the demo driver uses (never printed).</summary>
    public const string DemoKeyConfig = "Governance:DemoKey";

    public static WebApplication Build(string[] args, GovernanceAppOptions? appOptions = null)
    {
        appOptions ??= new GovernanceAppOptions();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = FindRoot() });
        string root = builder.Environment.ContentRootPath;

        // Functions-style configuration: host.json, then local.settings.json Values, then environment and command line win.
        builder.Configuration.AddJsonFile(Path.Combine(root, "host.json"), optional: true, reloadOnChange: false);
        if (appOptions.UseLocalSettings)
        {
            builder.Configuration.AddInMemoryCollection(LocalSettings.Read(Path.Combine(root, "local.settings.json")));
        }
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args.Where(a => a != "demo").ToArray());
        appOptions.Configure?.Invoke(builder);
        if (appOptions.Demo)
        {
            // The demo runs in its own task hub: its accelerated clock must never touch real instances' time.
            string hub = (builder.Configuration["extensions:durableTask:hubName"] ?? "GovernanceHub") + DemoHubSuffix;
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["extensions:durableTask:hubName"] = hub });

            // The demo's output is a story: no interleaved information logs (warnings and errors still show).
            builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
            int index = builder.Configuration.GetSection("Auth:Keys").GetChildren().Count();
            string secret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"Auth:Keys:{index}:Name"] = "demo",
                [$"Auth:Keys:{index}:Role"] = Roles.Staff,
                [$"Auth:Keys:{index}:Secret"] = secret,
                [DemoKeyConfig] = secret,
            });
        }

        var services = builder.Services;
        builder.WebHost.UseUrls(builder.Configuration["urls"] ?? builder.Configuration["ASPNETCORE_URLS"] ?? DefaultUrl);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestLimits.DrainLimitBytes);
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });

        // Settings, validated at start-up; a bad value stops the service with the setting's name.
        services.AddOptions<ServiceSettings>()
            .Configure<IConfiguration>((s, cfg) => s.Load(cfg, root))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServiceSettings>, ServiceSettingsValidator>();
        services.AddOptions<AuthSettings>().Bind(builder.Configuration.GetSection("Auth")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AuthSettings>, AuthSettingsValidator>();

        // Clock: real time unless host.json (or demo mode) accelerates it; tests may register their own TimeProvider.
        // A simulated clock (clockStart or a rate) continues across restarts; its keeper is registered before the runtime so it stops after it.
        services.AddSingleton(sp => ServiceClock.Create(sp.GetRequiredService<IOptions<ServiceSettings>>().Value, appOptions.Demo, TimeProvider.System));
        services.TryAddSingleton<TimeProvider>(sp => sp.GetRequiredService<ServiceClock>().Clock);
        services.AddHostedService<TimeStartupReport>();
        services.AddHostedService<SimulatedClockKeeper>();

        // Shutdown is bounded whatever storage does (in-flight requests and the runtime's stop share these seconds).
        services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);

        var durable = services.AddDurableTask();
        services.AddOptions<DurableTaskOptions>().Configure<IOptions<ServiceSettings>>((o, s) => s.Value.ApplyTo(o));
        if (appOptions.RegisterWorkflows)
        {
            WorkflowRegistration.Register(durable, builder.Configuration);
        }

        if (appOptions.Tasks is not null)
        {
            durable.AddTasks(appOptions.Tasks);
        }

        // Audit trails (written by the runtime in each step's commit), their daily digest (not in demo mode) and retention on purge.
        services.AddAuditTrail(digests: !appOptions.Demo, o => o.DigestInterval = builder.Configuration.GetValue("governance:audit:digestInterval", TimeSpan.FromDays(1)));
        services.AddOptions<DurableTaskOptions>().Configure(o => o.AuditRetention = builder.Configuration.GetValue<TimeSpan?>("governance:audit:retention"));

        services.TryAddSingleton<IWorkflowCatalog>(new EmptyCatalog());
        OutboxNotificationFeed.Register(services);

        // HTTP: problem details for every error, strict JSON, keys and roles, OpenAPI, health.
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
            if (!c.ProblemDetails.Extensions.ContainsKey("detailZh"))
            {
                // Framework-generated problems (routing, status code pages) get both languages too.
                var (detail, detailZh) = c.ProblemDetails.Status switch
                {
                    404 => ("No such resource.", "找不到该资源。"),
                    405 => ("This method is not allowed here.", "不支持该请求方法。"),
                    415 => ("Unsupported content type: send a JSON body with the header Content-Type: application/json.", "不支持的内容类型：请求体须为 JSON，并设置 Content-Type: application/json。"),
                    _ => ("The request failed.", "请求失败。"),
                };
                c.ProblemDetails.Detail ??= detail;
                c.ProblemDetails.Extensions["detailZh"] = detailZh;
                if (c.ProblemDetails.Status == 415)
                {
                    c.ProblemDetails.Extensions["field"] = "Content-Type";
                    c.ProblemDetails.Extensions["rule"] = "content-type";
                }
            }
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
            o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            // Bodies are read strictly (numbers as numbers), so the OpenAPI document must not offer "number or string".
            o.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
        });
        services.AddAuthentication(FunctionKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, FunctionKeyAuthenticationHandler>(FunctionKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Read, p => p.RequireAuthenticatedUser().RequireRole(Roles.Staff, Roles.Auditor, Roles.Admin))
            .AddPolicy(Policies.Write, p => p.RequireAuthenticatedUser().RequireRole(Roles.Staff, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireAuthenticatedUser().RequireRole(Roles.Admin))
            .AddPolicy(Policies.Audit, p => p.RequireAuthenticatedUser().RequireRole(Roles.Auditor, Roles.Admin))
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireRole(Roles.All).Build());
        services.AddSingleton<ContinuationTokens>();
        services.AddOpenApi(o => o.AddDocumentTransformer<KeySecurityTransformer>().AddOperationTransformer<OpenApiCatalogSchemas>());
        services.AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", HealthStatus.Unhealthy, ["storage"])
            .AddCheck<CalendarHealthCheck>("calendar", HealthStatus.Degraded, ["calendar"])
            .AddCheck<ClockHealthCheck>("clock", HealthStatus.Degraded, ["clock"]);

        var app = builder.Build();

        // Validate our settings now, before anything (the runtime) touches storage: a bad value stops the service here.
        _ = app.Services.GetRequiredService<IOptions<ServiceSettings>>().Value;
        _ = app.Services.GetRequiredService<IOptions<AuthSettings>>().Value;

        // A simulated clock reads where the previous run stopped: if storage cannot tell, say so here, not in a crash later.
        _ = app.Services.GetRequiredService<ServiceClock>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapOpenApi().AllowAnonymous();
        app.MapHealth();
        app.MapWorkflowApi();
        app.MapIncubatorApi();
        app.MapManagementApi();
        app.MapAuditApi();
        app.MapConsoleApi();
        app.MapConsole();
        return app;
    }

    /// <summary>The repository root (where host.json lives): the current folder or one above it, else above the binaries.</summary>
    internal static string FindRoot()
    {
        string? explicitRoot = Environment.GetEnvironmentVariable("GOVERNANCE_ROOT");
        if (!string.IsNullOrEmpty(explicitRoot))
        {
            return Path.GetFullPath(explicitRoot);
        }

        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "host.json")))
                {
                    return dir.FullName;
                }
            }
        }

        return Directory.GetCurrentDirectory();
    }

    private sealed class EmptyCatalog : IWorkflowCatalog
    {
        public IReadOnlyList<WorkflowDefinition> Workflows => [];

        public WorkflowDefinition? Find(string name) => null;
    }
}

/// <summary>Reads local.settings.json's <c>Values</c> (Functions format) into configuration keys (<c>__</c> = <c>:</c>).</summary>
internal static class LocalSettings
{
    public static IEnumerable<KeyValuePair<string, string?>> Read(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        if (!doc.RootElement.TryGetProperty("Values", out var values) || values.ValueKind != JsonValueKind.Object)
        {
            return [];
        }

        return values.EnumerateObject()
            .Select(p => new KeyValuePair<string, string?>(p.Name.Replace("__", ":"), p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText()))
            .ToList();
    }
}

/// <summary>/healthz: can the storage account be reached?</summary>
internal sealed class StorageHealthCheck(IOptions<ServiceSettings> settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var tables = new Azure.Data.Tables.TableServiceClient(settings.Value.ConnectionString,
                new Azure.Data.Tables.TableClientOptions { Retry = { MaxRetries = 0 } });
            await tables.GetPropertiesAsync(timeout.Token);
            return HealthCheckResult.Healthy("Storage reachable.");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("Storage unreachable: " + ex.GetType().Name);
        }
    }
}

/// <summary>Describes the key (header or query) in the OpenAPI document.</summary>
internal sealed class KeySecurityTransformer : Microsoft.AspNetCore.OpenApi.IOpenApiDocumentTransformer
{
    public Task TransformAsync(Microsoft.OpenApi.OpenApiDocument document, Microsoft.AspNetCore.OpenApi.OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "Governance service API (社区治理流程服务)";
        document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["functionKey"] = new Microsoft.OpenApi.OpenApiSecurityScheme
        {
            Type = Microsoft.OpenApi.SecuritySchemeType.ApiKey,
            In = Microsoft.OpenApi.ParameterLocation.Header,
            Name = FunctionKeyAuthenticationHandler.HeaderName,
            Description = "API key (also accepted as the 'code' query parameter). Roles: staff, auditor, admin.",
        };
        return Task.CompletedTask;
    }
}
