using System.Net;
using Governance.Domain.Calendar;

namespace Governance.Functions.Tests;

/// <summary>The joint committee over HTTP: its rules answer 400 at once, naming the field and rule.</summary>
[Collection(ServiceCollection.Name)]
public sealed class JointCommitteeApiTests(ServiceFixture fixture) : GovernanceServiceTest(fixture)
{
    [Fact]
    public async Task A_work_order_with_a_past_deadline_is_a_400_naming_field_and_rule_and_a_valid_one_is_taken()
    {
        string id = $"jc-{Guid.NewGuid():N}";
        var today = ChinaTime.Today(TimeProvider.System);
        using (var start = await Staff.PostAsync($"/api/workflows/joint-committee?instanceId={id}", Http.Json(new
        {
            street = "浏河镇", community = "浏河社区", year = today.Year, memberUnits = new[] { "浏河社区党委", "浏河镇派出所" },
        })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await Http.WaitForStepAsync(Staff, id, "WorkOrderRaised");
        using var late = await Staff.PostAsync($"/api/workflows/{id}/events/WorkOrderRaised", Http.Json(new
        {
            title = "3号楼楼道堆物清理", description = "消防隐患", deadline = today.AddDays(-1), raisedBy = "浏河社区",
        }));

        var problem = await late.ProblemAsync(400);
        Assert.Equal(("deadline", "order.deadline"), ((string?)problem["field"], (string?)problem["rule"]));
        Assert.Contains("已过", (string?)problem["detailZh"]);

        using var ok = await Staff.PostAsync($"/api/workflows/{id}/events/WorkOrderRaised", Http.Json(new
        {
            title = "3号楼楼道堆物清理", description = "消防隐患", deadline = today.AddDays(10), raisedBy = "浏河社区",
        }));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Contains($"{id}:order:{today.Year}-001", (string?)(await ok.ReadJsonAsync())["summary"]);
    }

    [Fact]
    public async Task The_console_links_a_committee_and_the_work_order_its_activity_started_both_ways()
    {
        // A work order is started by an activity (not a sub-orchestration): the links come from its parent tag.
        string id = $"jc-{Guid.NewGuid():N}";
        var today = ChinaTime.Today(TimeProvider.System);
        using (var start = await Staff.PostAsync($"/api/workflows/joint-committee?instanceId={id}", Http.Json(new
        {
            street = "浏河镇", community = "浏河社区", year = today.Year, memberUnits = new[] { "浏河社区党委", "浏河镇派出所" },
        })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        using (var raised = await SubmitAsync(id, "WorkOrderRaised", new { title = "3号楼楼道堆物清理", description = "消防隐患", deadline = today.AddDays(10), raisedBy = "浏河社区" }))
        {
            Assert.Equal(HttpStatusCode.OK, raised.StatusCode);
        }

        string order = $"{id}:order:{today.Year}-001";
        await Http.WaitForStepAsync(Staff, order, "WorkOrderClaimed");

        var committeeLinks = await (await Staff.GetAsync($"/api/console/instances/{id}/links")).ReadJsonAsync();
        var child = Assert.Single(committeeLinks["children"]!.AsArray());
        Assert.Equal((order, "WorkOrderOrchestrator"), ((string?)child!["instanceId"], (string?)child["orchestratorName"]));
        Assert.Null(committeeLinks["parent"]);

        var orderLinks = await (await Staff.GetAsync($"/api/console/instances/{Uri.EscapeDataString(order)}/links")).ReadJsonAsync();
        Assert.Equal((id, "JointCommitteeOrchestrator"), ((string?)orderLinks["parent"]!["instanceId"], (string?)orderLinks["parent"]!["orchestratorName"]));
        Assert.Empty(orderLinks["children"]!.AsArray());
    }

    [Fact]
    public async Task A_committee_without_member_units_is_refused_before_it_starts()
    {
        using var start = await Staff.PostAsync($"/api/workflows/joint-committee?instanceId=jc-{Guid.NewGuid():N}", Http.Json(new
        {
            street = "浏河镇", community = "浏河社区", year = 2026, memberUnits = Array.Empty<string>(),
        }));

        Assert.Equal("memberUnits", (string?)(await start.ProblemAsync(400))["field"]);
    }

    [Fact]
    public async Task Rules_given_in_a_start_request_are_refused_before_anything_starts()
    {
        // A weight past 1 would have refused every year-end assessment, so the year could never end.
        string id = "rules-" + Guid.NewGuid().ToString("N")[..8];
        using var start = await Staff.PostAsync($"/api/workflows/joint-committee?instanceId={id}", Http.Json(new
        {
            street = "浏河镇", community = "浏河社区", year = 2026, memberUnits = new[] { "镇派出所", "镇城管中队", "镇卫生院" },
            rules = new
            {
                escalation = new { remindWorkingDaysBefore = new[] { 3, 0 }, supervisorAfterWorkingDays = 1, streetOfficeAfterWorkingDays = 5, districtAfterWorkingDays = 10 },
                scheduleWorkingDays = 10, noticeCalendarDays = 7, minutesWorkingDays = 5, claimWorkingDays = 2, taskCompletionWeight = 2,
                assessmentDueDayOfDecember = 31, publicityWorkingDays = 5, objectionRulingWorkingDays = 5,
            },
        }));

        Assert.Equal("rules", (string?)(await start.ProblemAsync(400))["field"]);
        using var none = await Staff.GetAsync($"/api/workflows/{id}");
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
    }
}
