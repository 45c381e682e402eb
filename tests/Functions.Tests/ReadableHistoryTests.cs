using System.Net;
using System.Text.Json.Nodes;

namespace Governance.Functions.Tests;

/// <summary>The readable history of a real community project: one line per thing a person cares about, China time, who, key figures.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ReadableHistoryTests(ServiceFixture fixture) : GovernanceServiceTest(fixture)
{
    private async Task<HttpStatusCode> SubmitStatusAsync(string id, string step, object payload)
    {
        using var response = await SubmitAsync(id, step, payload);
        return response.StatusCode;
    }

    [Fact]
    public async Task Lines_say_when_in_china_time_who_what_and_the_figures_refusals_included_bookkeeping_folded()
    {
        string id = $"h-{Guid.NewGuid():N}";
        using (var start = await Staff.PostAsync($"/api/workflows/community-project?instanceId={id}",
            Http.Json(new { street = "清源街道", community = "金华里社区", year = 2026, projectName = "新居民之家", perProjectCap = 12000 })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, await SubmitStatusAsync(id, "NeedsSurveyCompleted", new { summary = "儿童看护", respondentCount = 240, methods = new[] { "Questionnaire" } }));
        var application = new
        {
            community = "金华里社区", projectName = "新居民之家", purpose = "融入社区", plan = "每周活动", indicators = new[] { "服务200人次" },
            implementingTeam = "居委会", budgetLines = new[] { new { item = "物资", amount = 13000 } }, durationMonths = 6,
        };
        Assert.Equal(HttpStatusCode.BadRequest, await SubmitStatusAsync(id, "ApplicationSubmitted", application));
        Assert.Equal(HttpStatusCode.OK, await SubmitStatusAsync(id, "ApplicationSubmitted", application with { budgetLines = new[] { new { item = "物资", amount = 10000 } } }));
        Assert.Equal(HttpStatusCode.OK, await SubmitStatusAsync(id, "SupportPollCompleted", new { respondents = 100, supporters = 49 }));
        await Http.WaitForStatusAsync(Staff, id, "Completed");

        var lines = (await (await Staff.GetAsync($"/api/workflows/{id}/history")).ReadJsonAsync()).AsArray();
        var texts = lines.Select(l => (string)l!["line"]!).ToList();

        string poll = texts.Single(t => t.Contains("录入群众评议结果"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2} 金华里社区\(staff-key\) ", poll);
        Assert.Contains("支持率49.0%低于50%", poll);
        Assert.Contains("项目终止", poll);
        Assert.Contains("supporters 49", poll);
        Assert.Contains("respondents 100", poll);
        Assert.DoesNotContain("projectName", string.Join("\n", texts)); // texts are in the figures, not the line
        var pollEntry = lines.Single(l => ((string)l!["line"]!).Contains("录入群众评议结果"))!;
        Assert.Equal("49", (string?)pollEntry["figures"]!["supporters"]);
        Assert.Contains(texts, t => t.Contains("提交被退回") && t.Contains("application.overCap"));
        Assert.Contains(texts, t => t.Contains("确定期限"));
        Assert.Contains(texts, t => t.Contains(" 系统 流程完成"));
        Assert.DoesNotContain(lines, l => (string?)l!["eventType"] is "TaskCompletedEvent" && !((string)l["what"]!).StartsWith("Due date set"));
        Assert.DoesNotContain(lines, l => (string?)l!["eventType"] is "TimerCreatedEvent" or "TimerFiredEvent");
        Assert.All(lines, l => Assert.False((bool)l!["bookkeeping"]!));
        var english = (string)pollEntry["lineEn"]!;
        Assert.Contains("(China time) 金华里社区 (staff-key): Step submitted", english);

        // China time is UTC + 8.
        var started = lines[0]!;
        var utc = DateTime.Parse((string)started["timestamp"]!, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
        Assert.Equal(utc.AddHours(8).ToString("yyyy-MM-dd HH:mm"), (string?)started["timeChina"]);

        var all = (await (await Staff.GetAsync($"/api/workflows/{id}/history?detail=all")).ReadJsonAsync()).AsArray();
        Assert.Contains(all, l => (bool)l!["bookkeeping"]! && (string?)l["eventType"] == "TaskCompletedEvent");
    }
}

public sealed class ReadableHistoryLineTests
{
    [Fact]
    public void An_escalation_is_a_line_naming_the_level_reached_and_who_is_told()
    {
        var at = new DateTime(2026, 3, 2, 2, 15, 0, DateTimeKind.Utc);
        var notice = new Governance.Workflows.Common.Notification("p1", "n1", "community-project", "清源街道", "金华里社区", 2026, null, "SupportPollCompleted",
            "录入群众评议结果", "Residents' support poll", Governance.Workflows.Common.NotificationKinds.Escalation, "清源街道办事处", 2, "街道",
            new DateOnly(2026, 3, 1), new DateOnly(2026, 3, 2), new DateTimeOffset(at), "“录入群众评议结果”已逾期5个工作日。", "'Residents' support poll' is 5 working days overdue.");
        var history = new Governance.Durable.HistoryEvent[]
        {
            new Governance.Durable.ExecutionStartedEvent("ProjectLifecycle", "", "{}", "e1", 0, null, new Dictionary<string, string> { ["community"] = "金华里社区" }) { Timestamp = at },
            new Governance.Durable.TaskScheduledEvent(nameof(Governance.Workflows.Common.RecordNotificationActivity),
                System.Text.Json.JsonSerializer.Serialize(notice, Governance.Durable.DurableJson.Options)) { EventId = 3, Timestamp = at },
            new Governance.Durable.TaskCompletedEvent(3, "true") { Timestamp = at },
        };

        var lines = Governance.Functions.Api.HistoryTimeline.Build(history, null, includeBookkeeping: false);

        Assert.Equal(2, lines.Count);
        Assert.Equal("2026-03-02 10:15 系统 督办升级至街道（清源街道办事处）：“录入群众评议结果”已逾期5个工作日。", lines[1].Line);
        Assert.Equal("Escalation", lines[1].EventType);
    }
}
