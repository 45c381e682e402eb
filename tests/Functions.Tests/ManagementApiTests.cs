using System.Net;
using System.Text.Json.Nodes;

namespace Governance.Functions.Tests;

/// <summary>The Durable Functions HTTP management API: routes, status codes, JSON shapes.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ManagementApiTests(ServiceFixture fixture)
{
    private const string Df = "/runtime/webhooks/durabletask/instances";

    private async Task<string> StartAsync(string? community = null)
    {
        string id = $"df-{Guid.NewGuid():N}";
        using var r = await fixture.Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(TestService.Input(community: community ?? "浏河社区")));
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        await Http.WaitForStepAsync(fixture.Staff, id, "submit");
        return id;
    }

    [Fact]
    public async Task Status_has_durable_functions_shape_with_history_on_request()
    {
        string id = await StartAsync();
        using var running = await fixture.Auditor.GetAsync($"{Df}/{id}");
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode); // in progress, as Durable Functions answers
        var status = (await running.ReadJsonAsync()).AsObject();
        Assert.Equal(TestApproval.Name, (string?)status["name"]);
        Assert.Equal(id, (string?)status["instanceId"]);
        Assert.Equal("Running", (string?)status["runtimeStatus"]);
        Assert.Equal("楼道照明改造", (string?)status["input"]!["title"]);
        Assert.Equal("提交材料", (string?)status["customStatus"]!["stepZh"]);
        Assert.True(status.ContainsKey("output"));
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string)status["createdTime"]!);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", (string)status["lastUpdatedTime"]!);
        Assert.False(status.ContainsKey("historyEvents"));

        using var noInput = await fixture.Auditor.GetAsync($"{Df}/{id}?showInput=false");
        Assert.False((await noInput.ReadJsonAsync()).AsObject().ContainsKey("input"));

        // raiseEvent through the DF route, then completion.
        using var raise = await fixture.Staff.PostAsync($"{Df}/{id}/raiseEvent/submit", Http.Json(new { by = "赵", households = 7 }));
        Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        await Http.WaitForStepAsync(fixture.Staff, id, "approve");
        using var badPayload = await fixture.Staff.PostAsync($"{Df}/{id}/raiseEvent/approve", Http.Json("{\"approved\":\"yes\",\"reason\":\"r\"}"));
        Assert.Equal("approved", (string?)(await badPayload.ProblemAsync(400))["field"]);
        using var approve = await fixture.Staff.PostAsync($"{Df}/{id}/raiseEvent/approve", Http.Json(new { approved = true, reason = "同意" }));
        Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);
        await Http.WaitForStatusAsync(fixture.Staff, id, "Completed");

        using var done = await fixture.Auditor.GetAsync($"{Df}/{id}?showHistory=true&showHistoryOutput=true");
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var final = await done.ReadJsonAsync();
        Assert.Equal("Completed", (string?)final["runtimeStatus"]);
        Assert.StartsWith("楼道照明改造: approved", (string?)final["output"]);
        var events = final["historyEvents"]!.AsArray();
        Assert.Equal("ExecutionStarted", (string?)events[0]!["EventType"]);
        Assert.Equal(TestApproval.Name, (string?)events[0]!["FunctionName"]);
        var raised = events.Where(e => (string?)e!["EventType"] == "EventRaised").ToList();
        Assert.Equal(["submit", "approve"], raised.Select(e => (string)e!["Name"]!));
        Assert.Equal("赵", (string?)raised[0]!["Input"]!["by"]);
        Assert.Equal("staff-key", (string?)raised[0]!["Actor"]);
        var completed = events.Last()!;
        Assert.Equal("ExecutionCompleted", (string?)completed["EventType"]);
        Assert.Equal("Completed", (string?)completed["OrchestrationStatus"]);
        Assert.NotNull(completed["Result"]);
        Assert.DoesNotContain(events, e => ((string?)e!["EventType"])!.StartsWith("Orchestrator"));

        using var gone = await fixture.Staff.PostAsync($"{Df}/{id}/raiseEvent/approve", Http.Json(new { approved = true, reason = "again" }));
        await gone.ProblemAsync(410);
        using var badFlag = await fixture.Auditor.GetAsync($"{Df}/{id}?showHistory=perhaps");
        Assert.Equal("showHistory", (string?)(await badFlag.ProblemAsync(400))["field"]);
    }

    [Fact]
    public async Task List_filters_and_pages_with_continuation_header()
    {
        string prefix = $"dflist-{Guid.NewGuid():N}"[..20];
        for (int i = 0; i < 3; i++)
        {
            using var r = await fixture.Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={prefix}-{i}", Http.Json(TestService.Input()));
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        for (int i = 0; i < 3; i++)
        {
            await Http.WaitForStepAsync(fixture.Staff, $"{prefix}-{i}", "submit");
        }

        var seen = new List<string>();
        string? token = null;
        int pages = 0;
        // The same filters on every page (a token is refused for another listing): the time is taken once.
        string from = $"{DateTime.UtcNow.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}";
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get,
                $"{Df}?instanceIdPrefix={prefix}&runtimeStatus=Running,Pending&createdTimeFrom={from}&top=2");
            if (token is not null)
            {
                request.Headers.Add("x-ms-continuation-token", token);
            }

            using var response = await fixture.Auditor.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var array = (await response.ReadJsonAsync()).AsArray();
            Assert.True(array.Count <= 2);
            foreach (var item in array)
            {
                Assert.Equal("Running", (string?)item!["runtimeStatus"]);
                Assert.Equal(TestApproval.Name, (string?)item["name"]);
                Assert.NotNull(item["createdTime"]);
                seen.Add((string)item["instanceId"]!);
            }

            token = response.Headers.TryGetValues("x-ms-continuation-token", out var values) ? values.FirstOrDefault() : null;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(Enumerable.Range(0, 3).Select(i => $"{prefix}-{i}"), seen.OrderBy(s => s));
        Assert.True(pages >= 2);

        using var none = await fixture.Auditor.GetAsync($"{Df}?instanceIdPrefix={prefix}&runtimeStatus=Completed");
        Assert.Empty((await none.ReadJsonAsync()).AsArray());
        using var badStatus = await fixture.Auditor.GetAsync($"{Df}?runtimeStatus=Done");
        Assert.Equal("runtimeStatus", (string?)(await badStatus.ProblemAsync(400))["field"]);
        using var badTime = await fixture.Auditor.GetAsync($"{Df}?createdTimeTo=notadate");
        Assert.Equal("createdTimeTo", (string?)(await badTime.ProblemAsync(400))["field"]);
    }

    [Fact]
    public async Task Suspend_resume_terminate_and_purge_by_admin_are_recorded()
    {
        string id = await StartAsync();
        using (var r = await fixture.Admin.PostAsync($"{Df}/{id}/suspend?reason=核查材料", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        await Http.WaitForStatusAsync(fixture.Staff, id, "Suspended");
        using (var blocked = await fixture.Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "x", households = 1 })))
        {
            Assert.Equal("Suspended", (string?)(await blocked.ProblemAsync(409))["runtimeStatus"]);
        }

        using (var r = await fixture.Admin.PostAsync($"{Df}/{id}/resume?reason=材料齐全", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        await Http.WaitForStatusAsync(fixture.Staff, id, "Running");

        using (var running = await fixture.Admin.DeleteAsync($"{Df}/{id}"))
        {
            Assert.Equal("purge-running", (string?)(await running.ProblemAsync(409))["rule"]);
        }

        using (var r = await fixture.Admin.PostAsync($"{Df}/{id}/terminate?reason=重复立项", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        var terminated = await Http.WaitForStatusAsync(fixture.Staff, id, "Terminated");
        using (var again = await fixture.Admin.PostAsync($"{Df}/{id}/terminate", null))
        {
            await again.ProblemAsync(410);
        }

        var history = (await (await fixture.Auditor.GetAsync($"/api/workflows/{id}/history")).ReadJsonAsync()).AsArray();
        var suspended = history.Single(e => (string?)e!["eventType"] == "ExecutionSuspendedEvent")!;
        Assert.Equal("admin-key", (string?)suspended["by"]);
        Assert.Equal("核查材料", (string?)suspended["detail"]);
        Assert.Equal("admin-key", (string?)history.Single(e => (string?)e!["eventType"] == "ExecutionResumedEvent")!["by"]);
        var term = history.Single(e => (string?)e!["eventType"] == "ExecutionTerminatedEvent")!;
        Assert.Equal("admin-key", (string?)term["by"]);
        Assert.Equal("流程被终止", (string?)term["whatZh"]);

        using (var purge = await fixture.Admin.DeleteAsync($"{Df}/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
            Assert.Equal(1, (int)(await purge.ReadJsonAsync())["instancesDeleted"]!);
        }

        using var after = await fixture.Auditor.GetAsync($"{Df}/{id}");
        await after.ProblemAsync(404);
        using var purgedTwice = await fixture.Admin.DeleteAsync($"{Df}/{id}");
        await purgedTwice.ProblemAsync(404);
    }

    [Fact]
    public async Task Bulk_purge_deletes_finished_instances_in_the_range_and_requires_a_start_time()
    {
        using (var missing = await fixture.Admin.DeleteAsync(Df))
        {
            Assert.Equal("createdTimeFrom", (string?)(await missing.ProblemAsync(400))["field"]);
        }

        using (var forbidden = await fixture.Staff.DeleteAsync($"{Df}?createdTimeFrom=2020-01-01T00:00:00Z"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }

        string id = await StartAsync();
        var created = DateTimeOffset.Parse((string)(await (await fixture.Auditor.GetAsync($"{Df}/{id}")).ReadJsonAsync())["createdTime"]!);
        using (var r = await fixture.Admin.PostAsync($"{Df}/{id}/terminate?reason=test", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        }

        await Http.WaitForStatusAsync(fixture.Staff, id, "Terminated");
        string from = Uri.EscapeDataString(created.AddSeconds(-1).ToString("O"));
        using (var purge = await fixture.Admin.DeleteAsync($"{Df}?createdTimeFrom={from}&runtimeStatus=Terminated"))
        {
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
            Assert.True((int)(await purge.ReadJsonAsync())["instancesDeleted"]! >= 1);
        }

        using var after = await fixture.Auditor.GetAsync($"{Df}/{id}");
        await after.ProblemAsync(404);
    }
}
