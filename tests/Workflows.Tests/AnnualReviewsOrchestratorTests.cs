using Governance.Domain.Calendar;
using Governance.Domain.Evaluation;
using Governance.Workflows.AnnualReviews;
using Governance.Workflows.Common;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

public class AnnualReviewsOrchestratorTests
{
    private static readonly string[] Organisations = ["城厢镇居委会", "新华村村委会"];
    private static readonly string[] Departments = ["民政局", "住建局"];

    private static OrchestrationHarness Harness(string id = "taicang-two-way") => new(ChinaTime.StartOfDay(new DateOnly(2026, 3, 1)).UtcDateTime, id)
    {
        OtherActivities = (name, _) => name == nameof(LoadAnnualReviewRulesActivity) ? AnnualReviewRules.From(new WorkflowSettings()) : null,
    };

    [Fact]
    public async Task The_two_way_evaluation_opens_on_its_day_rates_both_ways_surveys_residents_publicises_and_continues_next_year()
    {
        var h = Harness()
            .Respond(nameof(OrganisationsRated), new OrganisationsRated([new("城厢镇居委会", 92m)], "太仓市政府考评小组"))
            .Respond(nameof(OrganisationsRated), new OrganisationsRated([new("城厢镇居委会", 92m), new("新华村村委会", 86m)], "太仓市政府考评小组"))
            .Respond(nameof(DepartmentsRated), new DepartmentsRated([new("民政局", 90m), new("住建局", 81m)], "社区评估小组"))
            .Respond(nameof(ResidentSurveyCompleted), new ResidentSurveyCompleted(2_000, 987, 921));

        var record = await h.RunAsync(new TwoWayEvaluationOrchestrator(), new TwoWayEvaluationInput("太仓市城厢镇", null, 2026, Organisations, Departments));

        Assert.Equal(ChinaTime.StartOfDay(new DateOnly(2026, 12, 1)).UtcDateTime, h.DeliveredEvents[0].At); // the durable timer waited for 1 December
        var refused = Assert.Single(h.Rejected);
        Assert.Equal(("evaluation.organisations", "scores"), (refused.Refusal.Rule, refused.Refusal.Field));
        Assert.Equal((0.4935m, 0.9331m), (record.ParticipationRate, record.SatisfactionRate));
        Assert.Equal([92m, 86m], record.Organisations.Select(s => s.Score));
        Assert.Contains(h.Notifications, n => n.Kind == NotificationKinds.PublicityPosted && n.NoticeId.StartsWith("2026.", StringComparison.Ordinal));
        var next = Assert.IsType<TwoWayEvaluationInput>(h.ContinuedAsNewWith);
        Assert.Equal((2027, record), (next.Year, next.PreviousYear));
    }

    [Fact]
    public async Task Late_ratings_are_reminded_and_escalated_like_any_step()
    {
        var december = ChinaTime.At(new DateOnly(2026, 12, 31), new TimeOnly(10, 0)).UtcDateTime;
        var h = Harness()
            .RaiseAt(december, nameof(OrganisationsRated), new OrganisationsRated([new("城厢镇居委会", 92m), new("新华村村委会", 86m)], "考评小组"))
            .RaiseAt(december, nameof(DepartmentsRated), new DepartmentsRated([new("民政局", 90m), new("住建局", 81m)], "评估小组"))
            .RaiseAt(december, nameof(ResidentSurveyCompleted), new ResidentSurveyCompleted(100, 60, 50));

        await h.RunAsync(new TwoWayEvaluationOrchestrator(), new TwoWayEvaluationInput("太仓市城厢镇", null, 2026, Organisations, Departments, LastYear: 2026));

        // Due 15 working days after 1 December (22 December); on the 31st each step has reached the street office.
        foreach (string step in new[] { nameof(OrganisationsRated), nameof(DepartmentsRated), nameof(ResidentSurveyCompleted) })
        {
            Assert.Contains(h.Notifications, n => n.EventName == step && n.Kind == NotificationKinds.Escalation && n.EscalationLevel == (int)EscalationLevel.StreetOffice);
        }

        Assert.Null(h.ContinuedAsNewWith);
    }
}
