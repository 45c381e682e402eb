using System.Net;
using Governance.TestSupport;

namespace Governance.Functions.Tests;

/// <summary>The real community-project process over HTTP: its rules answer 400 at once, naming the field and rule.</summary>
[Collection(ServiceCollection.Name)]
public sealed class CommunityProjectApiTests(ServiceFixture fixture) : GovernanceServiceTest(fixture)
{
    private static object Start(string id) => new { street = "清源街道", community = "金华里社区", year = 2026, projectName = "新居民之家 " + id, perProjectCap = 12000 };

    [Fact]
    public async Task A_grant_cannot_be_given_on_the_public_start()
    {
        string id = $"p-{Guid.NewGuid():N}";
        using var withGrant = await Staff.PostAsync($"/api/workflows/community-project?instanceId={id}",
            Http.Json("{\"street\":\"清源街道\",\"community\":\"金华里社区\",\"year\":2026,\"projectName\":\"x\",\"perProjectCap\":12000,\"grant\":{\"applicationNumber\":1,\"grantedAmount\":99999}}"));

        Assert.Equal("grant", (string?)(await withGrant.ProblemAsync(400))["field"]);
        using var none = await Staff.GetAsync($"/api/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }

    [Fact]
    public async Task Support_poll_below_fifty_percent_needs_an_explicit_override_with_a_reason()
    {
        string id = $"p-{Guid.NewGuid():N}";
        using (var start = await Staff.PostAsync($"/api/workflows/community-project?instanceId={id}", Http.Json(Start(id))))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        using (var survey = await SubmitAsync(id, "NeedsSurveyCompleted", new { summary = "外来新居民需要儿童看护", respondentCount = 240, methods = new[] { "Questionnaire" } }))
        {
            Assert.Equal(HttpStatusCode.OK, survey.StatusCode);
        }

        var application = new
        {
            community = "金华里社区", projectName = "新居民之家", purpose = "融入社区", plan = "每周活动", indicators = new[] { "服务200人次" },
            implementingTeam = "居委会", budgetLines = new[] { new { item = "物资", amount = 13000 } }, durationMonths = 6,
        };
        using (var overCap = await SubmitAsync(id, "ApplicationSubmitted", application))
        {
            var problem = await overCap.ProblemAsync(400);
            Assert.Equal("application.overCap", (string?)problem["rule"]);
            Assert.Equal("budgetLines", (string?)problem["field"]);
        }

        using (var ok = await SubmitAsync(id, "ApplicationSubmitted", application with { budgetLines = new[] { new { item = "物资", amount = 10000 } } }))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var blankReason = await SubmitAsync(id, "SupportPollCompleted", new { respondents = 100, supporters = 49, @override = true, overrideReason = "   " });
        using var reasonWithoutChoice = await SubmitAsync(id, "SupportPollCompleted", new { respondents = 100, supporters = 49, overrideReason = "" });
        Assert.Equal("support.overrideReason", (string?)(await blankReason.ProblemAsync(400))["rule"]);
        Assert.Equal("override", (string?)(await reasonWithoutChoice.ProblemAsync(400))["field"]);

        using var below = await SubmitAsync(id, "SupportPollCompleted", new { respondents = 100, supporters = 49 });
        Assert.Equal(HttpStatusCode.OK, below.StatusCode);
        var outcome = await below.ReadJsonAsync();
        Assert.Contains("49.0%", (string?)outcome["summary"]);
        Assert.Contains("stops", (string?)outcome["summary"]);
        var done = await Http.WaitForStatusAsync(Staff, id, "Completed");
        Assert.Equal("NotSupportedByResidents", (string?)done["output"]!["result"]);
    }
}
