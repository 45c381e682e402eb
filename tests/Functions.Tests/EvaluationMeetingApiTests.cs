using System.Net;

namespace Governance.Functions.Tests;

/// <summary>
/// The year-end evaluation meeting over HTTP on a simulated clock (its day, 15 December): rating a project that is not
/// at its rating step is a 409 naming the project and the rule, in both languages.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class EvaluationMeetingApiTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Rating_a_project_not_at_its_rating_step_is_a_409_naming_the_project_and_rule()
    {
        var settings = ServiceHost.Settings(fixture.ConnectionString, "evm" + Guid.NewGuid().ToString("N")[..10]);
        settings["governance:clockStart"] = "2026-12-15T10:00:00+08:00";
        await using var host = await ServiceHost.StartWithWorkflowsAsync(settings);
        var staff = host.Client("staff");

        string project = $"evm-project-{Guid.NewGuid():N}";
        using (var start = await staff.PostAsync($"/api/workflows/community-project?instanceId={project}",
            Http.Json(new { street = "清源街道", community = "金华里社区", year = 2026, projectName = "老年餐桌", perProjectCap = 12000 })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await Http.WaitForStepAsync(staff, project, "NeedsSurveyCompleted"); // far from its rating step
        string meeting = $"evm-{Guid.NewGuid():N}";
        using (var start = await staff.PostAsync($"/api/workflows/year-end-evaluation-meeting?instanceId={meeting}",
            Http.Json(new { street = "清源街道", community = "金华里社区", year = 2026, lastYear = 2026 })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await Http.WaitForStepAsync(staff, meeting, "EvaluationMeetingHeld");
        using var refused = await staff.PostAsync($"/api/workflows/{meeting}/events/EvaluationMeetingHeld", Http.Json(new
        {
            heldOn = "2026-12-15", attendees = 60,
            ratings = new[] { new { projectInstanceId = project, inspection = "现场查看", respondents = 40, satisfied = 36 } },
        }));

        var problem = await refused.ProblemAsync(409);
        Assert.Equal(("ratings", "meeting.projectNotAtRatingStep"), ((string?)problem["field"], (string?)problem["rule"]));
        Assert.Contains(project, (string?)problem["detail"]);
        Assert.Contains("老年餐桌", (string?)problem["detailZh"]);
    }
}
