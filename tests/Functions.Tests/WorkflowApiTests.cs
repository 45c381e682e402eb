using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Governance.Functions.Tests;

[Collection(ServiceCollection.Name)]
public sealed class WorkflowApiTests(ServiceFixture fixture)
{
    private HttpClient Staff => fixture.Staff;

    private static string NewId(string prefix = "t") => $"{prefix}-{Guid.NewGuid():N}";

    private async Task<string> StartAsync(object input, string? id = null)
    {
        id ??= NewId();
        using var response = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(input));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return id;
    }

    private async Task AssertNoInstanceAsync(string id)
    {
        using var r = await Staff.GetAsync($"/api/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Fact]
    public async Task Catalog_lists_workflow_with_input_schema_and_event_schemas()
    {
        using var response = await fixture.Auditor.GetAsync("/api/workflows/catalog");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var catalog = (await response.ReadJsonAsync()).AsArray();
        var entry = catalog.Single(e => (string?)e!["name"] == TestCatalog.Workflow)!;
        Assert.Equal("测试审批流程", (string?)entry["displayNameZh"]);
        Assert.Equal("Test approval", (string?)entry["displayNameEn"]);
        var required = entry["inputSchema"]!["required"]!.AsArray().Select(n => (string?)n).ToList();
        Assert.Contains("title", required);
        Assert.Contains("amount", required);
        Assert.DoesNotContain("dueInDays", required);
        Assert.Equal("integer", (string?)entry["inputSchema"]!["properties"]!["amount"]!["type"]);
        var submit = entry["events"]!.AsArray().Single(e => (string?)e!["name"] == "submit")!;
        Assert.Equal("community", (string?)submit["responsibleRole"]);
        Assert.Equal("提交材料", (string?)submit["displayNameZh"]);
        Assert.Contains("households", submit["payloadSchema"]!["required"]!.AsArray().Select(n => (string?)n));
    }

    [Fact]
    public async Task Start_returns_202_with_location_and_check_status_payload_then_status_shows_awaited_step()
    {
        string id = NewId();
        using var response = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(TestService.Input()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var payload = await response.ReadJsonAsync();
        Assert.Equal(id, (string?)payload["id"]);
        string statusUri = (string)payload["statusQueryGetUri"]!;
        Assert.Equal(new Uri(statusUri), response.Headers.Location);
        Assert.EndsWith($"/runtime/webhooks/durabletask/instances/{id}", statusUri);
        Assert.EndsWith($"/instances/{id}/raiseEvent/{{eventName}}", (string)payload["sendEventPostUri"]!);
        Assert.Contains($"/instances/{id}/terminate?reason=", (string)payload["terminatePostUri"]!);
        Assert.Contains($"/instances/{id}/suspend?reason=", (string)payload["suspendPostUri"]!);
        Assert.Contains($"/instances/{id}/resume?reason=", (string)payload["resumePostUri"]!);
        Assert.EndsWith($"/instances/{id}", (string)payload["purgeHistoryDeleteUri"]!);

        var status = await Http.WaitForStepAsync(fixture.Auditor, id, "submit");
        Assert.Equal("Running", (string?)status["runtimeStatus"]);
        Assert.Equal(TestCatalog.Workflow, (string?)status["workflow"]);
        Assert.Equal("提交材料", (string?)status["currentStepZh"]);
        var waiting = status["waitingFor"]!.AsArray().Single()!;
        Assert.Equal("community", (string?)waiting["responsibleRole"]);
        Assert.NotNull(waiting["dueDate"]);
        Assert.False((bool)waiting["overdue"]!);
        Assert.Equal("浏河社区", (string?)status["tags"]!["community"]);
        Assert.Equal("楼道照明改造", (string?)status["input"]!["title"]);
    }

    [Fact]
    public async Task Start_without_instance_id_generates_one()
    {
        using var response = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}", Http.Json(TestService.Input()));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        string id = (string)(await response.ReadJsonAsync())["id"]!;
        Assert.False(string.IsNullOrWhiteSpace(id));
        await Http.WaitForStepAsync(Staff, id, "submit");
    }

    [Fact]
    public async Task Start_is_idempotent_for_same_id_and_input_and_conflicts_for_different_input()
    {
        string id = NewId("idem");
        using var first = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(TestService.Input()));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var firstPayload = await first.ReadJsonAsync();

        using var again = new HttpRequestMessage(HttpMethod.Post, $"/api/workflows/{TestCatalog.Workflow}") { Content = Http.Json(TestService.Input()) };
        again.Headers.Add("x-instance-id", id);
        using var second = await Staff.SendAsync(again);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.True(JsonNode.DeepEquals(firstPayload, await second.ReadJsonAsync()));

        using var different = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(TestService.Input(amount: 99)));
        var problem = await different.ProblemAsync(409);
        Assert.Equal("idempotency", (string?)problem["rule"]);

        // Still exactly one instance with that id, and its input is the first one.
        var status = await Http.WaitForStepAsync(Staff, id, "submit");
        Assert.Equal(20000, (int)status["input"]!["amount"]!);
        using var list = await Staff.GetAsync($"/runtime/webhooks/durabletask/instances?instanceIdPrefix={id}");
        Assert.Single((await list.ReadJsonAsync()).AsArray());
    }

    [Theory]
    [InlineData("{\"title\": \"x\", ", "body", "json")]
    [InlineData("not json", "body", "json")]
    [InlineData("[1,2]", "body", "type")]
    [InlineData("{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":1,\"colour\":\"red\"}", "colour", "unknown-field")]
    [InlineData("{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\"}", "amount", "required")]
    [InlineData("{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":\"lots\"}", "amount", "type")]
    [InlineData("{\"title\":null,\"street\":\"s\",\"community\":\"c\",\"amount\":1}", "title", "not-null")]
    [InlineData("{\"title\":\"a\",\"street\":\"s\",\"community\":\"c\",\"amount\":1,\"dueInDays\":999}", "dueInDays", "validation")]
    [InlineData("", "body", "required")]
    public async Task Start_rejects_bad_input_with_400_naming_the_field_and_creates_nothing(string body, string field, string rule)
    {
        string id = NewId("bad");
        using var response = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(body));
        var problem = await response.ProblemAsync(400);
        if (rule != "type" || field != "body")
        {
            Assert.Equal(field, (string?)problem["field"]);
            Assert.Equal(rule, (string?)problem["rule"]);
        }

        Assert.Contains(field == "body" ? "" : field, (string)problem["detail"]!);
        await AssertNoInstanceAsync(id);
    }

    [Fact]
    public async Task Start_rejects_unknown_workflow_with_404_and_bad_instance_id_with_400()
    {
        using var unknown = await Staff.PostAsync("/api/workflows/no-such-process", Http.Json(TestService.Input()));
        Assert.Equal("name", (string?)(await unknown.ProblemAsync(404))["field"]);

        using var badId = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId=a%23b", Http.Json(TestService.Input()));
        Assert.Equal("instanceId", (string?)(await badId.ProblemAsync(400))["field"]);
    }

    [Fact]
    public async Task Body_over_one_megabyte_is_413_and_creates_nothing()
    {
        string id = NewId("big");
        string big = "{\"title\":\"" + new string('x', 1024 * 1024 + 10) + "\",\"street\":\"s\",\"community\":\"c\",\"amount\":1}";
        using var response = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(big));
        await response.ProblemAsync(413);
        await AssertNoInstanceAsync(id);

        // Chunked (no Content-Length) is cut off too.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, $"/api/workflows/{TestCatalog.Workflow}?instanceId={id}")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(big))),
        };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Content.Headers.ContentType = new("application/json");
        using var chunkedResponse = await Staff.SendAsync(chunked);
        await chunkedResponse.ProblemAsync(413);
        await AssertNoInstanceAsync(id);
    }

    [Fact]
    public async Task Events_are_validated_checked_against_awaited_steps_and_recorded_with_the_caller()
    {
        string id = await StartAsync(TestService.Input(title: "加装电梯"));
        await Http.WaitForStepAsync(Staff, id, "submit");

        // Not awaited now: 409 listing what it waits for; nothing recorded.
        using var early = await Staff.PostAsync($"/api/workflows/{id}/events/approve", Http.Json(new { approved = true, reason = "ok" }));
        var conflict = await early.ProblemAsync(409);
        Assert.Equal("step-not-awaited", (string?)conflict["rule"]);
        Assert.Equal("submit", (string?)conflict["waitingFor"]!.AsArray().Single()!["eventName"]);
        Assert.Contains("submit", (string)conflict["detail"]!);

        // Invalid payloads: 400 naming the field.
        using var missing = await Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json("{\"by\":\"王主任\"}"));
        Assert.Equal("households", (string?)(await missing.ProblemAsync(400))["field"]);
        using var unknownField = await Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json("{\"by\":\"王\",\"households\":3,\"x\":1}"));
        Assert.Equal("x", (string?)(await unknownField.ProblemAsync(400))["field"]);
        using var wrongType = await Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json("{\"by\":\"王\",\"households\":\"many\"}"));
        Assert.Equal("households", (string?)(await wrongType.ProblemAsync(400))["field"]);

        // Unknown step and unknown instance: 404.
        using var unknownStep = await Staff.PostAsync($"/api/workflows/{id}/events/vote", Http.Json("{}"));
        Assert.Equal("eventName", (string?)(await unknownStep.ProblemAsync(404))["field"]);
        using var unknownInstance = await Staff.PostAsync($"/api/workflows/{NewId()}/events/submit", Http.Json(new { by = "王", households = 3 }));
        await unknownInstance.ProblemAsync(404);

        var historyBefore = (await (await fixture.Auditor.GetAsync($"/api/workflows/{id}/history")).ReadJsonAsync()).AsArray();
        Assert.DoesNotContain(historyBefore, e => (string?)e!["eventType"] == "SubmissionAccepted"); // refusals are recorded, nothing was taken

        using var ok = await Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "王主任", households = 128 }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var accepted = await ok.ReadJsonAsync();
        Assert.Equal("staff-key", (string?)accepted["by"]);
        Assert.Equal("Accepted", (string?)accepted["status"]);
        Assert.Equal("已登记128户。", (string?)accepted["summaryZh"]);

        var status = await Http.WaitForStepAsync(Staff, id, "approve");
        Assert.Equal("街道审批", (string?)status["currentStepZh"]);

        using var approve = await fixture.Admin.PostAsync($"/api/workflows/{id}/events/approve", Http.Json(new { approved = true, reason = "符合条件" }));
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var done = await Http.WaitForStatusAsync(Staff, id, "Completed");
        Assert.Equal("加装电梯: approved by 王主任 (128 households)", (string?)done["output"]);

        // A finished instance waits for nothing: 409.
        using var late = await Staff.PostAsync($"/api/workflows/{id}/events/approve", Http.Json(new { approved = false, reason = "late" }));
        Assert.Empty((await late.ProblemAsync(409))["waitingFor"]!.AsArray());

        var history = (await (await fixture.Auditor.GetAsync($"/api/workflows/{id}/history")).ReadJsonAsync()).AsArray();
        var started = history.First(e => (string?)e!["eventType"] == "ExecutionStartedEvent")!;
        Assert.Equal("staff-key", (string?)started["by"]);
        var raised = history.Where(e => (string?)e!["eventType"] == "SubmissionAccepted").ToList();
        Assert.Equal(2, raised.Count);
        Assert.Equal("staff-key", (string?)raised[0]!["by"]);
        Assert.Equal("提交步骤：提交材料——已登记128户。", (string?)raised[0]!["whatZh"]);
        Assert.Equal("admin-key", (string?)raised[1]!["by"]);
        Assert.Contains(history, e => (string?)e!["whatZh"] == "流程完成");
    }

    [Fact]
    public async Task History_csv_is_utf8_with_bom_and_keeps_chinese()
    {
        string id = await StartAsync(TestService.Input(title: "社区食堂", community: "和平社区"));
        await Http.WaitForStepAsync(Staff, id, "submit");
        using var submit = await Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "李书记", households = 40, note = "含\"引号\", 逗号" }));
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        await Http.WaitForStepAsync(Staff, id, "approve");

        using var response = await fixture.Auditor.GetAsync($"/api/workflows/{id}/history?format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        string text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        string[] lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("time_china,time_utc,event,what,内容,by,detail", lines[0]);
        Assert.Contains(lines, l => l.Contains("启动流程：测试审批流程") && l.Contains("staff-key"));
        Assert.Contains(lines, l => l.Contains("提交步骤：提交材料") && l.Contains("李书记") && l.Contains("\"\""));

        using var bad = await fixture.Auditor.GetAsync($"/api/workflows/{id}/history?format=xlsx");
        Assert.Equal("format", (string?)(await bad.ProblemAsync(400))["field"]);
        using var missing = await fixture.Auditor.GetAsync($"/api/workflows/{NewId()}/history");
        await missing.ProblemAsync(404);
    }

    [Fact]
    public async Task Search_filters_by_tag_status_name_and_pages_with_continuation_token()
    {
        string community = "社区" + Guid.NewGuid().ToString("N")[..6];
        var ids = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            ids.Add(await StartAsync(TestService.Input(community: community)));
        }

        string other = await StartAsync(TestService.Input(community: "别的社区"));
        foreach (string id in ids)
        {
            await Http.WaitForStepAsync(Staff, id, "submit");
        }

        var seen = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            string url = $"/api/workflows?name={TestCatalog.Workflow}&status=Running&tag.community={Uri.EscapeDataString(community)}&top=2"
                + (token is null ? string.Empty : $"&continuationToken={Uri.EscapeDataString(token)}");
            using var r = await fixture.Auditor.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var body = await r.ReadJsonAsync();
            var items = body["items"]!.AsArray();
            Assert.True(items.Count <= 2);
            Assert.All(items, i => Assert.Equal(community, (string?)i!["tags"]!["community"]));
            seen.AddRange(items.Select(i => (string)i!["instanceId"]!));
            token = (string?)body["continuationToken"];
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(ids.OrderBy(x => x), seen.OrderBy(x => x));
        Assert.True(pages >= 2, "3 results with top=2 need two pages");
        Assert.DoesNotContain(other, seen);

        using var completed = await Staff.GetAsync($"/api/workflows?status=Completed&tag.community={Uri.EscapeDataString(community)}");
        Assert.Empty((await completed.ReadJsonAsync())["items"]!.AsArray());

        using var badStatus = await Staff.GetAsync("/api/workflows?status=Sleeping");
        Assert.Equal("status", (string?)(await badStatus.ProblemAsync(400))["field"]);
        using var badDate = await Staff.GetAsync("/api/workflows?createdFrom=yesterday");
        Assert.Equal("createdFrom", (string?)(await badDate.ProblemAsync(400))["field"]);
        using var badTop = await Staff.GetAsync("/api/workflows?top=0");
        Assert.Equal("top", (string?)(await badTop.ProblemAsync(400))["field"]);
        using var badName = await Staff.GetAsync("/api/workflows?name=nope");
        Assert.Equal("name", (string?)(await badName.ProblemAsync(400))["field"]);
        using var future = await Staff.GetAsync($"/api/workflows?createdFrom={DateTime.UtcNow.AddDays(1):yyyy-MM-dd}&tag.community={Uri.EscapeDataString(community)}");
        Assert.Empty((await future.ReadJsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Inbox_lists_open_steps_with_due_dates_and_filters_by_community_role_and_overdue()
    {
        string community = "社区" + Guid.NewGuid().ToString("N")[..6];
        string onTime = await StartAsync(TestService.Input(community: community, dueInDays: 5));
        string late = await StartAsync(TestService.Input(community: community, dueInDays: -2));
        string advanced = await StartAsync(TestService.Input(community: community));
        await Http.WaitForStepAsync(Staff, onTime, "submit");
        await Http.WaitForStepAsync(Staff, late, "submit");
        await Http.WaitForStepAsync(Staff, advanced, "submit");
        using (var s = await Staff.PostAsync($"/api/workflows/{advanced}/events/submit", Http.Json(new { by = "张", households = 1 })))
        {
            Assert.Equal(HttpStatusCode.OK, s.StatusCode);
        }

        await Http.WaitForStepAsync(Staff, advanced, "approve");
        string c = Uri.EscapeDataString(community);

        using var all = await fixture.Auditor.GetAsync($"/api/tasks?community={c}");
        Assert.Equal(HttpStatusCode.OK, all.StatusCode);
        var items = (await all.ReadJsonAsync()).AsArray();
        Assert.Equal(3, items.Count);
        var lateItem = items.Single(i => (string?)i!["instanceId"] == late)!;
        Assert.True((bool)lateItem["overdue"]!);
        Assert.Equal(1, (int)lateItem["escalationLevel"]!);
        Assert.Equal("community", (string?)lateItem["responsibleRole"]);
        Assert.Equal("提交材料", (string?)lateItem["stepZh"]);
        Assert.Equal("清源街道", (string?)lateItem["street"]);
        Assert.Equal((string?)items[0]!["instanceId"], late); // earliest due first
        Assert.Equal("approve", (string?)items.Single(i => (string?)i!["instanceId"] == advanced)!["eventName"]);

        using var overdue = await Staff.GetAsync($"/api/tasks?community={c}&overdue=true");
        Assert.Equal([late], (await overdue.ReadJsonAsync()).AsArray().Select(i => (string)i!["instanceId"]!));
        using var notOverdue = await Staff.GetAsync($"/api/tasks?community={c}&overdue=false");
        Assert.Equal(2, (await notOverdue.ReadJsonAsync()).AsArray().Count);
        using var street = await Staff.GetAsync($"/api/tasks?community={c}&role=street-office");
        Assert.Equal([advanced], (await street.ReadJsonAsync()).AsArray().Select(i => (string)i!["instanceId"]!));
        using var otherStreet = await Staff.GetAsync($"/api/tasks?community={c}&street=nowhere");
        Assert.Empty((await otherStreet.ReadJsonAsync()).AsArray());
        using var bad = await Staff.GetAsync("/api/tasks?overdue=maybe");
        Assert.Equal("overdue", (string?)(await bad.ProblemAsync(400))["field"]);
    }

    [Fact]
    public async Task Notifications_endpoint_answers_and_validates_top()
    {
        using var ok = await fixture.Auditor.GetAsync("/api/notifications?community=x&top=5");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.NotNull((await ok.ReadJsonAsync()).AsArray());
        using var bad = await fixture.Auditor.GetAsync("/api/notifications?top=-1");
        Assert.Equal("top", (string?)(await bad.ProblemAsync(400))["field"]);
    }

    [Fact]
    public async Task Health_and_openapi_are_open_and_openapi_describes_every_endpoint()
    {
        using var health = await fixture.Anonymous.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", (string?)(await health.ReadJsonAsync())["checks"]!["storage"]!["status"]);

        using var openapi = await fixture.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, openapi.StatusCode);
        var paths = (await openapi.ReadJsonAsync())["paths"]!.AsObject();
        foreach (string path in new[]
        {
            "/api/workflows/catalog", "/api/workflows/{name}", "/api/workflows/{id}", "/api/workflows/{id}/events/{eventName}", "/api/workflows",
            "/api/tasks", "/api/workflows/{id}/history", "/api/notifications",
            "/runtime/webhooks/durabletask/instances/{id}", "/runtime/webhooks/durabletask/instances",
            "/runtime/webhooks/durabletask/instances/{id}/raiseEvent/{eventName}", "/runtime/webhooks/durabletask/instances/{id}/terminate",
            "/runtime/webhooks/durabletask/instances/{id}/suspend", "/runtime/webhooks/durabletask/instances/{id}/resume",
        })
        {
            Assert.True(paths.ContainsKey(path), "OpenAPI lacks " + path);
        }

        Assert.NotNull(paths["/runtime/webhooks/durabletask/instances/{id}"]!["delete"]);
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_are_problem_details()
    {
        using var missing = await Staff.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
        using var method = await Staff.PutAsync("/api/workflows/catalog", Http.Json("{}"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, method.StatusCode);
        Assert.Equal("application/problem+json", method.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_process_that_continues_as_new_lists_its_executions_and_reads_each_ones_history_alone()
    {
        string id = NewId("years");
        var client = fixture.Host.Services.GetRequiredService<Governance.Durable.DurableTaskClient>();
        await client.ScheduleNewOrchestrationInstanceAsync(TestThreeYears.Name, 1, new Governance.Durable.StartOrchestrationOptions(id));
        await client.WaitForInstanceCompletionAsync(id, cancellation: new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token);

        var executions = (await (await fixture.Auditor.GetAsync($"/api/workflows/{id}/executions")).ReadJsonAsync()).AsArray();
        Assert.Equal([1, 2, 3], executions.Select(e => (int)e!["number"]!));

        var whole = (await (await fixture.Auditor.GetAsync($"/api/workflows/{id}/history?detail=all")).ReadJsonAsync()).AsArray();
        Assert.Equal(3, whole.Count(e => (string?)e!["eventType"] == "ExecutionStartedEvent"));
        foreach (var execution in executions)
        {
            var one = (await (await fixture.Auditor.GetAsync((string)execution!["historyUri"]! + "&detail=all")).ReadJsonAsync()).AsArray();
            Assert.Single(one, e => (string?)e!["eventType"] == "ExecutionStartedEvent");
            Assert.True(one.Count < whole.Count);
        }

        using var unknown = await fixture.Auditor.GetAsync($"/api/workflows/{id}/history?executionId=nope");
        var problem = await unknown.ProblemAsync(404);
        Assert.Equal("executionId", (string?)problem["field"]);
        using var noInstance = await fixture.Auditor.GetAsync($"/api/workflows/{NewId()}/executions");
        Assert.Equal(HttpStatusCode.NotFound, noInstance.StatusCode);
    }

    [Fact]
    public async Task Search_filters_on_overdue_and_escalation_level_of_open_steps_and_refuses_a_bad_level()
    {
        string community = "社区" + Guid.NewGuid().ToString("N")[..6];
        // Ids that put the on-time instance first in storage order: with top=1 the overdue one is on the second page.
        string onTime = await StartAsync(TestService.Input(community: community, dueInDays: 5), NewId("a"));
        string late = await StartAsync(TestService.Input(community: community, dueInDays: -2), NewId("b")); // overdue, escalated to level 1
        await Http.WaitForStepAsync(Staff, onTime, "submit");
        await Http.WaitForStepAsync(Staff, late, "submit");
        string c = Uri.EscapeDataString(community);

        async Task<List<string?>> IdsAsync(string filter)
            => (await (await fixture.Auditor.GetAsync($"/api/workflows?tag.community={c}&{filter}")).ReadJsonAsync())["items"]!.AsArray()
                .Select(i => (string?)i!["instanceId"]).ToList();

        Assert.Equal([late], await IdsAsync("overdue=true"));
        Assert.Equal([onTime], await IdsAsync("overdue=false"));
        Assert.Equal([late], await IdsAsync("escalation=1"));
        Assert.Empty(await IdsAsync("escalation=2"));
        Assert.Equal(2, (await IdsAsync("escalation=0")).Count);
        Assert.Equal([late], await IdsAsync("overdue=true&top=1")); // the first page holds no match: the next is read

        // A terminated instance keeps its last custom status (open steps and all), but waits for nothing.
        using (var terminate = await fixture.Admin.PostAsync($"/runtime/webhooks/durabletask/instances/{late}/terminate?reason=test", null))
        {
            Assert.True(terminate.IsSuccessStatusCode);
        }

        await Http.WaitForStatusAsync(Staff, late, "Terminated");
        Assert.Empty(await IdsAsync("overdue=true"));
        Assert.Equal([onTime], await IdsAsync("escalation=0"));

        using var bad = await fixture.Auditor.GetAsync($"/api/workflows?tag.community={c}&escalation=9");
        var problem = await bad.ProblemAsync(400);
        Assert.Equal(("escalation", "range"), ((string?)problem["field"], (string?)problem["rule"]));
    }
}
