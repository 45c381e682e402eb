using System.Net;

namespace Governance.Functions.Tests;

/// <summary>Every endpoint × every caller: no key and unknown keys get 401, a role without the right gets 403, the others reach the endpoint.</summary>
[Collection(ServiceCollection.Name)]
public sealed class AuthorizationTests(ServiceFixture fixture)
{
    private const string Missing = "no-such-instance";
    private const string Df = "/runtime/webhooks/durabletask/instances";

    // (method, path, body, policy, status when allowed)
    public static readonly TheoryData<string, string, string?, string, int> Endpoints = new()
    {
        { "GET", "/api/workflows/catalog", null, "read", 200 },
        { "POST", $"/api/workflows/{TestCatalog.Workflow}", "{}", "write", 400 },
        { "GET", $"/api/workflows/{Missing}", null, "read", 404 },
        { "POST", $"/api/workflows/{Missing}/events/submit", "{}", "write", 404 },
        { "GET", "/api/workflows?top=1", null, "read", 200 },
        { "GET", "/api/tasks", null, "read", 200 },
        { "GET", $"/api/workflows/{Missing}/history", null, "read", 404 },
        { "GET", "/api/notifications", null, "read", 200 },
        { "GET", $"{Df}/{Missing}", null, "read", 404 },
        { "GET", $"{Df}?top=1", null, "read", 200 },
        { "POST", $"{Df}/{Missing}/raiseEvent/submit", "{}", "write", 404 },
        { "POST", $"{Df}/{Missing}/terminate?reason=x", null, "admin", 404 },
        { "POST", $"{Df}/{Missing}/suspend?reason=x", null, "admin", 404 },
        { "POST", $"{Df}/{Missing}/resume?reason=x", null, "admin", 404 },
        { "DELETE", $"{Df}/{Missing}", null, "admin", 404 },
    };

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["read"] = ["staff", "auditor", "admin"],
        ["write"] = ["staff", "admin"],
        ["admin"] = ["admin"],
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Each_role_gets_exactly_its_rights(string method, string path, string? body, string policy, int allowedStatus)
    {
        foreach (string? caller in new[] { null, "bogus", "auditor", "staff", "admin" })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (body is not null)
            {
                request.Content = Http.Json(body);
            }

            using var response = await fixture.Host.Client(caller).SendAsync(request);
            int expected = caller is null or "bogus" ? 401 : Allowed[policy].Contains(caller) ? allowedStatus : 403;
            string text = await response.Content.ReadAsStringAsync();
            Assert.True(expected == (int)response.StatusCode, $"{method} {path} as {caller ?? "anonymous"}: expected {expected}, got {(int)response.StatusCode} {text}");
            if (expected is 401 or 403)
            {
                await response.ProblemAsync(expected);
            }
        }
    }

    [Fact]
    public async Task Key_is_accepted_in_code_query_parameter_and_secret_sha256_keys_work()
    {
        using var viaQuery = await fixture.Anonymous.GetAsync($"/api/workflows/catalog?code={ServiceHost.AuditorSecret}");
        Assert.Equal(HttpStatusCode.OK, viaQuery.StatusCode);
        using var wrongQuery = await fixture.Anonymous.GetAsync("/api/workflows/catalog?code=wrong");
        await wrongQuery.ProblemAsync(401);
        using var admin = await fixture.Admin.GetAsync("/api/workflows/catalog");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
    }

    [Fact]
    public async Task Forbidden_problem_names_the_key_and_role_but_never_a_secret()
    {
        using var response = await fixture.Auditor.PostAsync($"/api/workflows/{TestCatalog.Workflow}", Http.Json(TestService.Input()));
        var problem = await response.ProblemAsync(403);
        Assert.Contains("auditor-key", (string)problem["detail"]!);
        string text = problem.ToJsonString();
        Assert.DoesNotContain(ServiceHost.AuditorSecret, text);
    }
}
