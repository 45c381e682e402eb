using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Governance.Functions.Hosting;
using Governance.TestSupport;
using Xunit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.ServiceTestSupport;

/// <summary>The service started in-process on a free loopback port (real Kestrel, real HTTP) against a real Azurite.</summary>
public sealed class ServiceHost : IAsyncDisposable
{
    public const string StaffSecret = "staff-secret-0123456789";
    public const string AuditorSecret = "auditor-secret-0123456789";
    public const string AdminSecret = "admin-secret-0123456789";

    private readonly WebApplication app;
    private readonly List<HttpClient> clients = [];

    private ServiceHost(WebApplication app, Uri baseAddress)
    {
        this.app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public IServiceProvider Services => app.Services;

    public static Dictionary<string, string?> Settings(string connectionString, string hubName) => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["AzureWebJobsStorage"] = connectionString,
        ["extensions:durableTask:hubName"] = hubName,
        ["extensions:durableTask:storageProvider:partitionCount"] = "2",
        ["extensions:durableTask:storageProvider:maxQueuePollingInterval"] = "00:00:00.100",
        ["Auth:Keys:0:Name"] = "staff-key",
        ["Auth:Keys:0:Role"] = "staff",
        ["Auth:Keys:0:Secret"] = StaffSecret,
        ["Auth:Keys:1:Name"] = "auditor-key",
        ["Auth:Keys:1:Role"] = "auditor",
        ["Auth:Keys:1:Secret"] = AuditorSecret,
        ["Auth:Keys:2:Name"] = "admin-key",
        ["Auth:Keys:2:Role"] = "admin",
        ["Auth:Keys:2:SecretSha256"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(AdminSecret))),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>The service with the real governance workflows (catalog, orchestrators) and <paramref name="settings"/>.</summary>
    public static Task<ServiceHost> StartWithWorkflowsAsync(IDictionary<string, string?> settings)
        => StartAsync(GovernanceApp.Build([], new GovernanceAppOptions
        {
            UseLocalSettings = false,
            RegisterWorkflows = true,
            Configure = b => b.Configuration.AddInMemoryCollection(settings),
        }));

    /// <summary>Starts <paramref name="app"/> (built for a loopback port 0, see <see cref="Settings"/>) and finds the port it got.</summary>
    public static async Task<ServiceHost> StartAsync(WebApplication app)
    {
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ServiceHost(app, new Uri(address));
    }

    /// <summary>A client sending the key of <paramref name="role"/> (null: no key; "bogus": an unknown key).</summary>
    public HttpClient Client(string? role)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        string? secret = role switch
        {
            "staff" => StaffSecret,
            "auditor" => AuditorSecret,
            "admin" => AdminSecret,
            "bogus" => "not-a-key-0123456789",
            _ => null,
        };
        if (secret is not null)
        {
            client.DefaultRequestHeaders.Add("x-functions-key", secret);
        }

        clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in clients)
        {
            c.Dispose();
        }

        await app.StopAsync();
        await app.DisposeAsync();
    }
}

/// <summary>HTTP helpers for tests against the service.</summary>
public static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object value) => Json(JsonSerializer.Serialize(value, Governance.Durable.DurableJson.Options));

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(body) ?? throw new InvalidOperationException("Empty JSON body");
    }

    public static async Task<JsonNode> ProblemAsync(this HttpResponseMessage response, int status)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal(status, (int)problem["status"]!);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), "problem has no detail: " + body);
        Assert.False(string.IsNullOrWhiteSpace((string?)problem["detailZh"]), "problem has no Chinese detail: " + body);
        return problem;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (bounded); returns the last value seen.</summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> condition, string what, int seconds = 60)
        => Eventually.UntilAsync(probe, condition, what, seconds);

    /// <summary>GET /api/workflows/{id} until the instance waits for <paramref name="eventName"/>.</summary>
    public static Task<JsonNode> WaitForStepAsync(HttpClient client, string id, string eventName)
        => EventuallyAsync(async () =>
            {
                using var r = await client.GetAsync($"/api/workflows/{id}");
                return r.IsSuccessStatusCode ? await r.ReadJsonAsync() : JsonNode.Parse("{}")!;
            },
            n => n["waitingFor"]?.AsArray().Any(w => (string?)w!["eventName"] == eventName) == true,
            $"{id} to wait for {eventName}");

    public static Task<JsonNode> WaitForStatusAsync(HttpClient client, string id, string status)
        => EventuallyAsync(async () =>
            {
                using var r = await client.GetAsync($"/api/workflows/{id}");
                return r.IsSuccessStatusCode ? await r.ReadJsonAsync() : JsonNode.Parse("{}")!;
            },
            n => (string?)n["runtimeStatus"] == status,
            $"{id} to be {status}");
}
