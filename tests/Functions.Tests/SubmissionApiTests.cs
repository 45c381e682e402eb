using System.Net;
using System.Text.Json.Nodes;

namespace Governance.Functions.Tests;

/// <summary>Step submissions over HTTP: answered at once, refused with the rule, never buffered, idempotent.</summary>
[Collection(ServiceCollection.Name)]
public sealed class SubmissionApiTests(ServiceFixture fixture)
{
    private const string Df = "/runtime/webhooks/durabletask/instances";

    private HttpClient Staff => fixture.Staff;

    private async Task<string> StartAtSubmitAsync(int maxHouseholds = 1000)
    {
        string id = $"s-{Guid.NewGuid():N}";
        using var response = await Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}",
            Http.Json(new { title = "加装电梯", street = "清源街道", community = "浏河社区", amount = 1000, maxHouseholds }));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Http.WaitForStepAsync(Staff, id, "submit");
        return id;
    }

    private async Task<JsonArray> HistoryAsync(string id)
        => (await (await fixture.Auditor.GetAsync($"/api/workflows/{id}/history")).ReadJsonAsync()).AsArray();

    private static int Count(JsonArray history, string eventType) => history.Count(e => (string?)e!["eventType"] == eventType);

    [Fact]
    public async Task A_rule_violation_is_a_400_naming_field_and_rule_recorded_once_and_the_step_stays_open()
    {
        string id = await StartAtSubmitAsync(maxHouseholds: 100);

        using var refused = await Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "王", households = 101 }));

        var problem = await refused.ProblemAsync(400);
        Assert.Equal("households", (string?)problem["field"]);
        Assert.Equal("submit.households", (string?)problem["rule"]);
        Assert.Equal("户数101超过社区总户数100。", (string?)problem["detailZh"]);
        var history = await HistoryAsync(id);
        Assert.Equal(1, Count(history, "SubmissionRejected"));
        Assert.Contains("submit.households", (string?)history.Single(e => (string?)e!["eventType"] == "SubmissionRejected")!["what"]);
        Assert.Equal(0, Count(history, "SubmissionAccepted"));

        using var ok = await Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "王", households = 100 }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_step_that_is_not_open_is_refused_409_and_never_used_later()
    {
        string id = await StartAtSubmitAsync();

        using var early = await Staff.PostAsync($"/api/workflows/{id}/events/approve", Http.Json(new { approved = true, reason = "预先批准" }));
        var problem = await early.ProblemAsync(409);
        Assert.Equal("step-not-awaited", (string?)problem["rule"]);
        Assert.Contains(problem["waitingFor"]!.AsArray(), w => (string?)w!["stepToken"] == "submit#1");

        using var submit = await Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "王", households = 3 }));
        Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
        var status = await Http.WaitForStepAsync(Staff, id, "approve");
        Assert.Equal("Running", (string?)status["runtimeStatus"]); // the early approval was not kept for this step
        Assert.Equal(1, Count(await HistoryAsync(id), "SubmissionRefused"));
    }

    [Fact]
    public async Task Thirty_concurrent_posts_of_one_step_give_one_200_and_one_recorded_submission()
    {
        string id = await StartAtSubmitAsync();

        var responses = await Task.WhenAll(Enumerable.Range(1, 30).Select(i =>
            Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = $"员{i}", households = i }))));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, Count(await HistoryAsync(id), "SubmissionAccepted"));
        foreach (var r in responses)
        {
            r.Dispose();
        }
    }

    [Fact]
    public async Task An_idempotent_retry_gets_the_identical_answer_and_another_body_under_the_key_is_refused()
    {
        string id = await StartAtSubmitAsync();
        HttpRequestMessage Post(int households) => new(HttpMethod.Post, $"/api/workflows/{id}/events/submit")
        {
            Content = Http.Json(new { by = "王", households }),
            Headers = { { "Idempotency-Key", "form-42" } },
        };

        using var first = await Staff.SendAsync(Post(12));
        using var retry = await Staff.SendAsync(Post(12));
        using var other = await Staff.SendAsync(Post(13));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal("idempotency-key-reused", (string?)(await other.ProblemAsync(409))["rule"]);
        Assert.Equal(1, Count(await HistoryAsync(id), "SubmissionAccepted"));
        using var outcome = await fixture.Auditor.GetAsync($"/api/workflows/{id}/submissions/form-42");
        Assert.Equal("Accepted", (string?)(await outcome.ReadJsonAsync())["status"]);
        using var unknown = await fixture.Auditor.GetAsync($"/api/workflows/{id}/submissions/never");
        await unknown.ProblemAsync(404);
    }

    [Fact]
    public async Task A_step_token_of_another_occurrence_is_refused()
    {
        string id = await StartAtSubmitAsync();

        using var wrong = await Staff.PostAsync($"/api/workflows/{id}/events/submit?stepToken=submit%232", Http.Json(new { by = "王", households = 3 }));
        using var right = await Staff.PostAsync($"/api/workflows/{id}/events/submit?stepToken=submit%231", Http.Json(new { by = "王", households = 3 }));

        Assert.Equal("wrong-step-token", (string?)(await wrong.ProblemAsync(409))["rule"]);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Equal("submit#1", (string?)(await right.ReadJsonAsync())["stepToken"]);
    }

    [Fact]
    public async Task The_management_raise_event_cannot_pre_approve_or_fail_an_instance()
    {
        string id = await StartAtSubmitAsync();

        using var preApprove = await Staff.PostAsync($"{Df}/{id}/raiseEvent/approve", Http.Json(new { approved = true, reason = "预先批准" }));
        using var caseVariant = await Staff.PostAsync($"{Df}/{id}/raiseEvent/SUBMIT", Http.Json("{\"by\":\"王\",\"households\":\"many\"}"));
        using var undeclaredByStaff = await Staff.PostAsync($"{Df}/{id}/raiseEvent/anything", Http.Json("{}"));
        using var undeclaredByAdmin = await fixture.Admin.PostAsync($"{Df}/{id}/raiseEvent/anything", Http.Json("{}"));

        Assert.Equal("step-not-awaited", (string?)(await preApprove.ProblemAsync(409))["rule"]);
        Assert.Equal("households", (string?)(await caseVariant.ProblemAsync(400))["field"]);
        Assert.Equal("undeclared-event-needs-admin", (string?)(await undeclaredByStaff.ProblemAsync(403))["rule"]);
        Assert.Equal(HttpStatusCode.Accepted, undeclaredByAdmin.StatusCode);

        using var viaDf = await Staff.PostAsync($"{Df}/{id}/raiseEvent/Submit", Http.Json(new { by = "王", households = 3 }));
        Assert.Equal(HttpStatusCode.Accepted, viaDf.StatusCode);
        var status = await Http.WaitForStepAsync(Staff, id, "approve");
        Assert.Equal("Running", (string?)status["runtimeStatus"]);
    }
}
