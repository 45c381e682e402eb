using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Governance.Functions.Tests;

/// <summary>Starting an instance: large bodies work, bad input is refused before anything is written (issue 9).</summary>
[Collection(ServiceCollection.Name)]
public sealed class StartHardeningTests(ServiceFixture fixture)
{
    private const string Start = $"/api/workflows/{TestCatalog.Workflow}";

    // The documented limits (README, API section).
    private const int MaxTextLength = 4000;
    private const int InstanceTagsLimit = 100;
    private const int MaxInstanceIdLength = 100;

    private static string NewId() => $"h-{Guid.NewGuid():N}";

    private async Task AssertNothingStoredAsync(string id, string community)
    {
        using var status = await fixture.Admin.GetAsync($"/api/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
        using var df = await fixture.Admin.GetAsync($"/runtime/webhooks/durabletask/instances/{id}");
        Assert.Equal(HttpStatusCode.NotFound, df.StatusCode);
        using var search = await fixture.Admin.GetAsync($"/api/workflows?tag.community={Uri.EscapeDataString(community)}");
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        Assert.Empty((await search.ReadJsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task A_900_KB_start_runs_end_to_end()
    {
        string id = NewId();
        // 600 attachments of 1,500 characters: about 900 KB of JSON, every text within the per-field limit.
        var attachments = Enumerable.Range(0, 600).Select(i => $"{i:D4}" + new string('x', 1496)).ToList();
        var input = new { title = "大附件", street = "清源街道", community = "大附件社区", amount = 1, attachments };
        var content = Http.Json(input);
        Assert.InRange((await content.ReadAsByteArrayAsync()).Length, 900_000, RequestLimits.MaxBodyBytes);

        using var started = await fixture.Staff.PostAsync($"{Start}?instanceId={id}", content);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await Http.WaitForStepAsync(fixture.Staff, id, "submit");
        using (var submit = await fixture.Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "赵", households = 3 })))
        {
            Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        }

        await Http.WaitForStepAsync(fixture.Staff, id, "approve");
        using (var approve = await fixture.Staff.PostAsync($"/api/workflows/{id}/events/approve", Http.Json(new { approved = true, reason = "同意" })))
        {
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        }

        var done = await Http.WaitForStatusAsync(fixture.Staff, id, "Completed");
        Assert.Equal(600, done["input"]!["attachments"]!.AsArray().Count);
        Assert.Equal(attachments[599], (string?)done["input"]!["attachments"]![599]);
        Assert.StartsWith("大附件: approved", (string?)done["output"]);
    }

    [Fact]
    public async Task A_name_too_long_for_a_search_tag_is_refused_and_nothing_is_written()
    {
        string id = NewId();
        string community = new('社', 600); // the issue's case: a tag over the table key limit
        using var response = await fixture.Staff.PostAsync($"{Start}?instanceId={id}", Http.Json(TestService.Input(community: community)));

        var problem = await response.ProblemAsync(400);
        Assert.Equal("community", (string?)problem["field"]);
        Assert.Equal("max-length", (string?)problem["rule"]);
        Assert.Equal(InstanceTagsLimit, (int)problem["maxLength"]!);
        await AssertNothingStoredAsync(id, community);

        // At the limit it is accepted.
        string longest = new('社', InstanceTagsLimit);
        using var ok = await fixture.Staff.PostAsync($"{Start}?instanceId={NewId()}", Http.Json(TestService.Input(community: longest)));
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);
    }


    [Fact]
    public async Task Any_text_over_the_documented_maximum_length_is_refused_naming_the_field()
    {
        string id = NewId();
        var attachments = new[] { "ok", new string('长', MaxTextLength + 1) };
        using var response = await fixture.Staff.PostAsync($"{Start}?instanceId={id}",
            Http.Json(new { title = new string('题', MaxTextLength), street = "清源街道", community = "长文本社区", amount = 1, attachments }));

        var problem = await response.ProblemAsync(400);
        Assert.Equal("attachments[1]", (string?)problem["field"]);
        Assert.Equal("max-length", (string?)problem["rule"]);
        await AssertNothingStoredAsync(id, "长文本社区");
    }

    [Theory]
    [InlineData("""{"title":"a","title":"b","street":"s","community":"重复社区","amount":1}""", "title")]
    [InlineData("""{"title":"a","street":"s","community":"重复社区","Community":"别的社区","amount":1}""", "Community")]
    [InlineData("""{"title":"a","street":"s","community":"重复社区","amount":1,"AMOUNT":2}""", "AMOUNT")]
    public async Task Duplicate_keys_including_case_variants_are_refused_naming_the_key(string body, string field)
    {
        string id = NewId();
        using var response = await fixture.Staff.PostAsync($"{Start}?instanceId={id}", Http.Json(body));

        var problem = await response.ProblemAsync(400);
        Assert.Equal(field, (string?)problem["field"]);
        Assert.Equal("duplicate-field", (string?)problem["rule"]);
        await AssertNothingStoredAsync(id, "重复社区");
    }

    [Fact]
    public async Task Duplicate_keys_in_a_step_body_are_refused_on_both_routes()
    {
        string id = NewId();
        using (var started = await fixture.Staff.PostAsync($"{Start}?instanceId={id}", Http.Json(TestService.Input())))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }

        await Http.WaitForStepAsync(fixture.Staff, id, "submit");
        const string body = """{"by":"赵","households":3,"Households":300}""";
        using var api = await fixture.Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(body));
        Assert.Equal("Households", (string?)(await api.ProblemAsync(400))["field"]);
        using var df = await fixture.Staff.PostAsync($"/runtime/webhooks/durabletask/instances/{id}/raiseEvent/submit", Http.Json(body));
        Assert.Equal("Households", (string?)(await df.ProblemAsync(400))["field"]);
        using var nested = await fixture.Admin.PostAsync($"/runtime/webhooks/durabletask/instances/{id}/raiseEvent/anything",
            Http.Json("""{"a":[{"x":1},{"x":1,"X":2}]}"""));
        Assert.Equal("a[1].X", (string?)(await nested.ProblemAsync(400))["field"]);

        var status = await Http.WaitForStepAsync(fixture.Staff, id, "submit");
        Assert.Equal("Running", (string?)status["runtimeStatus"]);
        using var history = await fixture.Staff.GetAsync($"/api/workflows/{id}/history");
        Assert.DoesNotContain((await history.ReadJsonAsync()).AsArray(), e => (string?)e!["eventType"] == "EventRaised");
    }

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("catalog")]
    [InlineData("Catalog")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\tb")]
    [InlineData("a\u0001b")]
    [InlineData(" padded")]
    [InlineData("")]
    public async Task Instance_ids_that_cannot_round_trip_through_urls_are_refused(string id)
    {
        using var byQuery = await fixture.Staff.PostAsync($"{Start}?instanceId={Uri.EscapeDataString(id)}", Http.Json(TestService.Input(community: "编号社区")));
        Assert.Equal("instanceId", (string?)(await byQuery.ProblemAsync(400))["field"]);
        if (id.Length > 0 && !char.IsWhiteSpace(id[0]))
        {
            // (HTTP itself trims a header value's surrounding spaces.)
            using var request = new HttpRequestMessage(HttpMethod.Post, Start) { Content = Http.Json(TestService.Input(community: "编号社区")) };
            request.Headers.TryAddWithoutValidation("x-instance-id", id);
            using var byHeader = await fixture.Staff.SendAsync(request);
            Assert.Equal("instanceId", (string?)(await byHeader.ProblemAsync(400))["field"]);
        }

        using var search = await fixture.Admin.GetAsync($"/api/workflows?tag.community={Uri.EscapeDataString("编号社区")}");
        Assert.Empty((await search.ReadJsonAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Instance_ids_over_the_maximum_length_are_refused()
    {
        string tooLong = new('i', MaxInstanceIdLength + 1);
        using var response = await fixture.Staff.PostAsync($"{Start}?instanceId={tooLong}", Http.Json(TestService.Input()));
        Assert.Equal("instanceId", (string?)(await response.ProblemAsync(400))["field"]);
        using var status = await fixture.Staff.GetAsync($"/api/workflows/{tooLong}");
        Assert.Equal("id", (string?)(await status.ProblemAsync(400))["field"]);
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded")] // what curl -d sends
    [InlineData("text/plain")]
    public async Task A_body_that_is_not_json_gets_415_in_english_and_chinese(string contentType)
    {
        string id = NewId();
        using var content = new StringContent("""{"title":"a"}""", Encoding.UTF8, contentType);
        using var response = await fixture.Staff.PostAsync($"{Start}?instanceId={id}", content);

        var problem = await response.ProblemAsync(415);
        Assert.Contains("application/json", (string?)problem["detail"]);
        Assert.Equal("Content-Type", (string?)problem["field"]);
    }
}
