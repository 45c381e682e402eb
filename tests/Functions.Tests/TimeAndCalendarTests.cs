using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Functions.Tests;

/// <summary>
/// The service on a simulated clock (governance.clockStart) with the real workflows: due dates in a year with a
/// holiday notice and in one without (provisional), the clock across restarts, /healthz.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class TimeAndCalendarTests(ServiceFixture fixture)
{
    private const string FirstStep = "NeedsSurveyCompleted";

    [Fact]
    public async Task Due_dates_follow_the_simulated_clock_and_are_marked_provisional_without_a_notice()
    {
        var settings = ServiceHost.Settings(fixture.ConnectionString, "tim" + Guid.NewGuid().ToString("N")[..10]);
        settings["Workflows:CommunityProjects:CommunityStepWorkingDays"] = "3";

        // Friday 13 February 2026: the 2026 notice applies (Saturday 14th is a 调休 working day, 15–23 off).
        settings["governance:clockStart"] = "2026-02-13T10:00:00+08:00";
        await using (var host = await ServiceHost.StartWithWorkflowsAsync(settings))
        {
            var staff = host.Client("staff");
            var step = await StartProjectAsync(staff, "p2026", 2026);
            Assert.Equal("2026-02-25", (string?)step["dueDate"]);
            Assert.Null(step["provisional"]);

            var health = await HealthAsync(host);
            Assert.Equal("Healthy", (string?)health["checks"]!["calendar"]!["status"]);
            Assert.Contains("Simulated time: 2026-02-13", (string?)health["checks"]!["clock"]!["description"]);
        }

        // Wednesday 3 February 2027: no 2027 notice, so the provisional year (春节 5–10 February with 补假) counts.
        settings["governance:clockStart"] = "2027-02-03T10:00:00+08:00";
        DateTimeOffset reached;
        string p2027;
        await using (var host = await ServiceHost.StartWithWorkflowsAsync(settings))
        {
            var staff = host.Client("staff");
            var step = await StartProjectAsync(staff, "p2027", 2027);
            p2027 = (string)step.Parent!.Parent!["instanceId"]!;
            Assert.Equal("2027-02-12", (string?)step["dueDate"]);
            AssertProvisional2027(step["provisional"]);

            using var inbox = await staff.GetAsync("/api/tasks?role=community");
            var item = (await inbox.ReadJsonAsync()).AsArray().Single(i => ((string?)i!["instanceId"])!.StartsWith("p2027-"));
            AssertProvisional2027(item!["provisional"]);

            using var history = await staff.GetAsync($"/api/workflows/{(string?)item["instanceId"]}/history");
            var timeline = (await history.ReadJsonAsync()).AsArray();
            Assert.Contains(timeline, e => (string?)e!["what"] == "Due date set: 2027-02-12 (provisional: the 2027 holiday notice is not loaded)");
            Assert.Contains(timeline, e => (string?)e!["whatZh"] == "确定期限：2027-02-12（暂定：2027年节假日安排通知尚未载入）");

            var health = await HealthAsync(host);
            Assert.Equal("Degraded", (string?)health["status"]);
            Assert.Equal("Degraded", (string?)health["checks"]!["calendar"]!["status"]);
            Assert.Contains("2027", (string?)health["checks"]!["calendar"]!["description"]);
            reached = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        }

        // An earlier clockStart does not send the clock back: it continues where the previous run stopped.
        // The 2027 notice is now in the holidays file: the waiting 2027 step is re-planned, on the record.
        settings["governance:clockStart"] = "2026-02-13T10:00:00+08:00";
        string holidays = Path.GetTempFileName();
        await File.WriteAllTextAsync(holidays, Notice2027);
        settings["governance:calendar:holidaysFile"] = holidays;
        try
        {
            await using var host = await ServiceHost.StartWithWorkflowsAsync(settings);
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            Assert.True(now >= reached, $"the clock went back from {reached:o} to {now:o}");
            Assert.Contains("where the previous run stopped", (string?)(await HealthAsync(host))["checks"]!["clock"]!["description"]);

            var staff = host.Client("staff");
            var status = await Http.EventuallyAsync(
                async () => await (await staff.GetAsync($"/api/workflows/{p2027}")).ReadJsonAsync(),
                n => (string?)n["waitingFor"]?.AsArray().Single(w => (string?)w!["eventName"] == FirstStep)!["dueDate"] == "2027-02-15",
                "the 2027 step to be re-planned");
            Assert.Null(status["waitingFor"]!.AsArray().Single()!["provisional"]);
            using var history = await staff.GetAsync($"/api/workflows/{p2027}/history");
            var timeline = (await history.ReadJsonAsync()).AsArray();
            Assert.Contains(timeline, e => (string?)e!["what"] == "Due date of 'Needs survey' moved from 2027-02-12 to 2027-02-15 after the 2027 holiday notice.");
            Assert.Contains(timeline, e => (string?)e!["whatZh"] == "“需求调查”期限因2027年节假日安排通知由2027-02-12调整为2027-02-15。");
            Assert.Equal("Healthy", (string?)(await HealthAsync(host))["checks"]!["calendar"]!["status"]);
        }
        finally
        {
            File.Delete(holidays);
        }
    }

    // Test data, not the real 2027 notice: 春节 5–11 February without 调休.
    private const string Notice2027 = """
        { "years": [ { "year": 2027, "source": "test data, not the real 2027 notice",
          "holidays": [ { "name": "春节", "nameEn": "Spring Festival", "from": "2027-02-05", "to": "2027-02-11" } ],
          "makeUpWorkdays": [] } ] }
        """;

    private static void AssertProvisional2027(JsonNode? provisional)
    {
        Assert.NotNull(provisional);
        Assert.Equal(2027, (int)provisional!["years"]!.AsArray().Single()!);
        Assert.Equal("provisional: the 2027 holiday notice is not loaded", (string?)provisional["note"]);
        Assert.Equal("暂定：2027年节假日安排通知尚未载入", (string?)provisional["noteZh"]);
    }

    private static async Task<JsonNode> StartProjectAsync(HttpClient staff, string name, int year)
    {
        string id = $"{name}-{Guid.NewGuid():N}";
        using var start = await staff.PostAsync($"/api/workflows/community-project?instanceId={id}",
            Http.Json(new { street = "清源街道", community = "金华里社区", year, projectName = "新居民之家", perProjectCap = 12000 }));
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var status = await Http.WaitForStepAsync(staff, id, FirstStep);
        Assert.Single(status["waitingFor"]!.AsArray()); // the internal calendar event is not shown as a step
        return status["waitingFor"]!.AsArray().Single(w => (string?)w!["eventName"] == FirstStep)!;
    }

    private static async Task<JsonNode> HealthAsync(ServiceHost host)
    {
        using var response = await host.Client(null).GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }
}
