using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Durable.Audit;
using Governance.TestSupport;
using Governance.Workflows.AnnualReviews;
using Governance.Workflows.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Workflows.Tests;

/// <summary>
/// An auditor's search by year (the audit export's) finds a yearly process for every year its executions covered, not
/// only the year its tags say now. Real runtime and Azurite, fake clock, across a year boundary.
/// </summary>
public sealed class YearlyAuditSearchTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task A_yearly_process_that_continued_into_2027_is_found_for_2026_and_2027_and_for_no_other_year()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, ChinaTime.At(new DateOnly(2026, 12, 1), new TimeOnly(9, 0)));
        var (client, driver) = (host.Client, host.Driver);
        const string meeting = "audit-years-meeting";
        var input = new EvaluationMeetingInput("审计街道", "审计社区", 2026, LastYear: 2027);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(EvaluationMeetingOrchestrator), input,
            new StartOrchestrationOptions(meeting) { Tags = AnnualReviewsCatalog.EvaluationMeeting.TagsFromInput(input) });
        await driver.SubmitWhenWaitingAsync(meeting, nameof(EvaluationMeetingHeld), new EvaluationMeetingHeld(host.Today, 50, []));
        string first = (await client.GetInstanceAsync(meeting))!.ExecutionId!;
        var next = await driver.AdvanceUntilAsync(meeting, s => s.OpenSteps.Count == 0 && s.StepEn.Contains("2027"), m => m.ExecutionId != first);
        Assert.Equal("2027", next.Tags["year"]);
        // The 2027 execution writes to the trail too (its own step), so the head's tags say 2027 now.
        await driver.AdvanceUntilAsync(meeting, s => s.OpenSteps.Any(o => o.EventName == nameof(EvaluationMeetingHeld)));

        var trail = new AuditTrail(host.Host.Services.GetRequiredService<DurableTaskHub>());
        var place = new Dictionary<string, string> { ["street"] = "审计街道", ["community"] = "审计社区" };
        async Task<IReadOnlyList<string>> FoundIn(string year)
            => (await trail.SearchAsync(nameof(EvaluationMeetingOrchestrator), place, spanned: new("year", year))).Select(h => h.InstanceId).ToList();

        Assert.Equal("2027", Assert.Single(await trail.SearchAsync(nameof(EvaluationMeetingOrchestrator), place)).Tags["year"]);
        Assert.Equal([meeting], await FoundIn("2026"));
        Assert.Equal([meeting], await FoundIn("2027"));
        Assert.Empty(await FoundIn("2025"));
        Assert.Empty(await FoundIn("2028"));
    }
}
