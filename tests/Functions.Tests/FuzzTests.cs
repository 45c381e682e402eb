using System.Net;
using System.Text;
using Governance.Durable;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Functions.Tests;

/// <summary>
/// Generated bad requests (fixed seed) over every endpoint: none may answer 5xx and none may change anything.
/// Every request is bad by construction (wrong key or role, invalid id, malformed or invalid body, invalid query).
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class FuzzTests(ServiceFixture fixture)
{
    private const int Seed = 20261201;
    private const int Requests = 1200;
    private const string Df = "/runtime/webhooks/durabletask/instances";

    [Fact]
    public async Task Bad_requests_over_every_endpoint_never_get_5xx_and_change_nothing()
    {
        // Its own service and task hub (the snapshot counts only this test's instances) in the collection's Azurite.
        await using var host = await TestService.StartAsync(fixture.ConnectionString, "fuzz" + Guid.NewGuid().ToString("N")[..10]);
        var staff = host.Client("staff");
        string running = await StartAsync(staff, "fuzz-running");
        string finished = await StartAsync(staff, "fuzz-finished");
        using (var terminate = await host.Client("admin").PostAsync($"{Df}/{finished}/terminate?reason=fuzz", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        }

        await Http.WaitForStatusAsync(staff, finished, "Terminated");
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        string before = await SnapshotAsync(client);

        var clients = new Dictionary<string, HttpClient>
        {
            ["staff"] = staff, ["auditor"] = host.Client("auditor"), ["admin"] = host.Client("admin"),
            ["none"] = host.Client(null), ["bogus"] = host.Client("bogus"),
        };
        var generator = new BadRequests(new Random(Seed), running, finished);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        for (int i = 0; i < Requests; i++)
        {
            var (role, request, what) = generator.Next();
            using (request)
            using (var response = await clients[role].SendAsync(request))
            {
                int code = (int)response.StatusCode;
                statuses[code] = statuses.GetValueOrDefault(code) + 1;
                // Reads may succeed (e.g. "/api/workflows/." is normalised to the search); a write must never be accepted.
                if (code >= 500 || (request.Method != HttpMethod.Get && code is >= 200 and < 300))
                {
                    failures.Add($"#{i} {role} {what} -> {code}: {Truncate(await response.Content.ReadAsStringAsync())}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {Requests} bad requests were not refused cleanly:\n{string.Join("\n", failures.Take(20))}");
        Assert.Equal(before, await SnapshotAsync(client));
        Assert.True(statuses.Keys.Distinct().Count() >= 5, "the generator should reach many kinds of refusal: " + string.Join(", ", statuses));
    }

    private static async Task<string> StartAsync(HttpClient staff, string prefix)
    {
        string id = $"{prefix}-{Guid.NewGuid():N}";
        using var r = await staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(TestService.Input(community: "模糊测试社区")));
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        await Http.WaitForStepAsync(staff, id, "submit");
        return id;
    }

    /// <summary>Everything a request could change: the instances, their status, history length and last update.</summary>
    private static async Task<string> SnapshotAsync(DurableTaskClient client)
    {
        var lines = new List<string>();
        await foreach (var m in client.GetAllInstancesAsync(new OrchestrationQuery(FetchInputsAndOutputs: true)))
        {
            var history = await client.GetInstanceHistoryAsync(m.InstanceId);
            lines.Add($"{m.InstanceId} {m.RuntimeStatus} {m.LastUpdatedAt:O} {history.Count} {m.SerializedInput?.Length} {string.Join(",", m.WaitingForEvents)}");
        }

        lines.Sort(StringComparer.Ordinal);
        return string.Join("\n", lines);
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "…" : s;

    /// <summary>Generates requests that must all be refused (4xx).</summary>
    private sealed class BadRequests(Random random, string running, string finished)
    {
        private static readonly string[] BadIds = [".", "..", "catalog", "CATALOG", "a/b", "a\\b", "a#b", "a?b", "a\tb", "a\u0000b", " x", "x ", new('i', 101), "x\ny", "\u007f", "a\u0085b"];

        private static readonly string[] BadJson =
        [
            "", " ", "{", "}", "[", "null", "[]", "\"text\"", "42", "true", "{\"title\":}", "{\"title\" \"a\"}", "{'title':'a'}", "{\"title\":\"a\",}",
            "{\"title\":\"a\"} trailing", "{\"title\":\"\\uD800\"", "/* c */ {}", "{\"title\":NaN}", new string('[', 100) + new string(']', 100),
            "{\"title\":1,\"street\":\"s\",\"community\":\"c\",\"amount\":1}", "{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":\"1\"}",
            "{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":1.5}", "{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":99999999999}",
            "{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":1,\"extra\":1}", "{\"title\":null,\"street\":\"s\",\"community\":\"c\",\"amount\":1}",
            "{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":1,\"dueInDays\":1000}", "{\"title\":\"a\",\"Title\":\"b\",\"street\":\"s\",\"community\":\"c\",\"amount\":1}",
            "{\"street\":\"s\",\"community\":\"c\",\"amount\":1}",
        ];

        private static readonly string[] BadStepBodies =
        [
            "{\"by\":\"x\"}", "{\"by\":1,\"households\":1}", "{\"by\":\"x\",\"households\":\"1\"}", "{\"by\":\"x\",\"households\":1,\"nope\":true}",
            "{\"by\":\"x\",\"households\":1,\"By\":\"y\"}", "{\"by\":null,\"households\":1}",
        ];

        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        private string Junk()
        {
            var sb = new StringBuilder();
            int length = random.Next(1, 40);
            for (int i = 0; i < length; i++)
            {
                sb.Append(random.Next(4) switch
                {
                    0 => (char)random.Next(0x20, 0x7f),
                    1 => (char)random.Next(0x4e00, 0x9fff),
                    2 => (char)random.Next(0, 0x20),
                    _ => Pick(new[] { '/', '\\', '#', '?', '%', '.', '&', '=', '\'', '"', '<', '>' }),
                });
            }

            return sb.ToString();
        }

        private string BadBody() => random.Next(10) switch
        {
            0 => Junk(),
            1 => "{\"title\":\"" + new string('长', 4001) + "\",\"street\":\"s\",\"community\":\"c\",\"amount\":1}",
            2 => "{\"title\":\"a\",\"street\":\"s\",\"community\":\"" + new string('社', 101) + "\",\"amount\":1}",
            _ => Pick(BadJson),
        };

        private static HttpContent Body(string text, string contentType = "application/json")
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            return content;
        }

        private static string E(string s) => Uri.EscapeDataString(s);

        public (string Role, HttpRequestMessage Request, string What) Next()
        {
            string id = Pick(BadIds);
            string existing = random.Next(2) == 0 ? running : finished;
            string readRole = Pick(new[] { "staff", "auditor", "admin" });
            (string role, HttpMethod method, string url, HttpContent? body) = random.Next(24) switch
            {
                // No key, an unknown key, or a role that may not do this.
                0 => (Pick(new[] { "none", "bogus" }), HttpMethod.Get, Pick(new[] { "/api/workflows/catalog", $"/api/workflows/{running}", "/api/tasks", $"{Df}?top=5" }), null),
                1 => ("auditor", HttpMethod.Post, $"/api/workflows/{TestCatalog.Workflow}", Body("{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":1}")),
                2 => (Pick(new[] { "staff", "auditor" }), HttpMethod.Post, $"{Df}/{running}/{Pick(new[] { "terminate", "suspend", "resume" })}", null),
                3 => (Pick(new[] { "staff", "auditor" }), HttpMethod.Delete, $"{Df}/{finished}", null),
                // Start: bad process names, ids, bodies, content types.
                4 => ("staff", HttpMethod.Post, $"/api/workflows/{E(Junk())}", Body("{}")),
                5 => ("staff", HttpMethod.Post, $"/api/workflows/{TestCatalog.Workflow}?instanceId={E(id)}", Body("{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":1}")),
                6 or 7 or 8 => ("staff", HttpMethod.Post, $"/api/workflows/{TestCatalog.Workflow}?instanceId=fuzz-{random.Next()}", Body(BadBody())),
                9 => ("staff", HttpMethod.Post, $"/api/workflows/{TestCatalog.Workflow}", Body("{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":1}", Pick(new[] { "text/plain", "application/x-www-form-urlencoded", "application/xml", "multipart/form-data" }))),
                10 => ("staff", HttpMethod.Post, $"/api/workflows/{TestCatalog.Workflow}?instanceId={existing}", Body("{\"title\":\"other\",\"street\":\"s\",\"community\":\"c\",\"amount\":2}")),
                // Status, history, steps.
                11 => (readRole, HttpMethod.Get, $"/api/workflows/{E(id)}{Pick(new[] { "", "/history", "/history?format=csv" })}", null),
                12 => (readRole, HttpMethod.Get, $"/api/workflows/{existing}/history?format={E(Junk())}", null),
                13 => ("staff", HttpMethod.Post, $"/api/workflows/{running}/events/submit", Body(Pick(BadStepBodies))),
                14 => ("staff", HttpMethod.Post, $"/api/workflows/{existing}/events/{E(Junk())}", Body("{\"by\":\"x\",\"households\":1}")),
                15 => ("staff", HttpMethod.Post, $"/api/workflows/{E(id)}/events/submit", Body(BadBody())),
                // Search, inbox, notifications.
                16 => (readRole, HttpMethod.Get, "/api/workflows?" + Pick(new[] { $"status={E(Junk())}", $"createdFrom={E(Junk())}", $"createdTo=2026-13-45", $"top={Pick(new[] { "0", "-1", "1001", "x", "1e3" })}", $"continuationToken={E(Junk())}", $"name={E(Junk())}" }), null),
                17 => (readRole, HttpMethod.Get, "/api/tasks?" + Pick(new[] { $"overdue={E(Junk())}", $"top={Pick(new[] { "0", "5001", "abc" })}" }), null),
                18 => (readRole, HttpMethod.Get, "/api/notifications?" + Pick(new[] { $"instanceId={E(id)}", $"top={Pick(new[] { "0", "1001", "y" })}" }), null),
                // Management API.
                19 => (readRole, HttpMethod.Get, $"{Df}/{E(id)}", null),
                20 => (readRole, HttpMethod.Get, $"{Df}/{existing}?" + Pick(new[] { "showHistory", "showHistoryOutput", "showInput" }) + "=" + E(Junk()), null),
                21 => (readRole, HttpMethod.Get, $"{Df}?" + Pick(new[] { $"runtimeStatus={E(Junk())}", $"createdTimeFrom={E(Junk())}", "top=0", $"showInput={E(Junk())}" }), null),
                22 => ("admin", random.Next(2) == 0 ? HttpMethod.Delete : HttpMethod.Post,
                    random.Next(2) == 0 ? $"{Df}/{E(id)}" + (random.Next(2) == 0 ? "" : "/terminate") : $"{Df}/{running}", null),
                _ => ("admin", HttpMethod.Delete, $"{Df}?" + Pick(new[] { "", "runtimeStatus=Completed", $"createdTimeFrom={E(Junk())}", $"createdTimeFrom=2000-01-01&runtimeStatus={E(Junk())}", "createdTimeFrom=2000-01-01&createdTimeTo=x" }), null),
            };
            var request = new HttpRequestMessage(method, url) { Content = body };
            if (random.Next(20) == 0)
            {
                request.Headers.TryAddWithoutValidation("x-ms-continuation-token", Convert.ToBase64String(Encoding.UTF8.GetBytes(Junk())));
            }

            return (role, request, $"{method} {url}");
        }
    }
}
