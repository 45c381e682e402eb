using Governance.Domain;
using Governance.Domain.Projects;

namespace Governance.Domain.Tests.Projects;

public class SupportRateTests
{
    [Fact]
    public void Exactly_fifty_percent_passes()
    {
        var decision = new SupportPoll(respondents: 200, supporters: 100).Decide();
        Assert.True(decision.Proceeds);
        Assert.False(decision.Overridden);
        Assert.Equal(0.5m, decision.Rate);
    }

    [Fact]
    public void Forty_nine_point_nine_percent_fails_without_override()
    {
        var decision = new SupportPoll(respondents: 1000, supporters: 499).Decide();
        Assert.False(decision.Proceeds);
        Assert.Equal(0.499m, decision.Rate);
        Assert.Contains("不予实施", decision.ExplainZh);
    }

    [Fact]
    public void Below_threshold_proceeds_only_with_a_recorded_override_reason()
    {
        var poll = new SupportPoll(1000, 499);
        Assert.False(poll.Decide(overrideReason: "   ").Proceeds);
        var overridden = poll.Decide(overrideReason: "Serves migrant children; street office agreed");
        Assert.True(overridden.Proceeds);
        Assert.True(overridden.Overridden);
        Assert.Equal("Serves migrant children; street office agreed", overridden.OverrideReason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public void An_explicit_override_without_a_reason_is_refused(string? reason)
    {
        var ex = Assert.Throws<DomainRuleException>(() => new SupportPoll(100, 49).DecideExplicit(0.5m, overrideRequested: true, reason));
        Assert.Equal("support.overrideReason", ex.Code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a reason")]
    public void A_reason_without_choosing_to_override_is_refused_rather_than_guessed(string reason)
    {
        var ex = Assert.Throws<DomainRuleException>(() => new SupportPoll(100, 49).DecideExplicit(0.5m, overrideRequested: false, reason));
        Assert.Equal("support.overrideNotRequested", ex.Code);
    }

    [Fact]
    public void An_explicit_override_with_a_reason_proceeds_and_percentages_read_the_same_in_any_culture()
    {
        var decision = new SupportPoll(100, 49).DecideExplicit(0.5m, overrideRequested: true, "  街道同意  ");
        Assert.True(decision.Overridden);
        Assert.Equal("街道同意", decision.OverrideReason);
        Assert.StartsWith("Support 49.0% is below 50%", decision.ExplainEn);
        Assert.False(new SupportPoll(100, 49).DecideExplicit(0.5m, overrideRequested: false, null).Proceeds);
    }

    [Fact]
    public void More_supporters_than_respondents_is_refused()
    {
        var ex = Assert.Throws<DomainRuleException>(() => new SupportPoll(10, 11));
        Assert.Equal("support.supporters", ex.Code);
        Assert.Contains("超过", ex.MessageZh);
    }
}

public class ReviewMeetingTests
{
    [Fact]
    public void Weights_must_sum_to_one()
    {
        var ex = Assert.Throws<DomainRuleException>(() => new ReviewWeights(0.5m, 0.3m, 0.3m));
        Assert.Equal("review.weights", ex.Code);
        Assert.Equal(1m, ReviewWeights.Default.PublicBenefit + ReviewWeights.Default.Feasibility + ReviewWeights.Default.Sustainability);
    }

    [Fact]
    public void More_votes_than_attendees_is_refused()
    {
        var ex = Assert.Throws<DomainRuleException>(() => new ReviewMeetingResult(
            attendees: 40, [new ReviewVoteTally(1, 41, 30, 30)], ReviewWeights.Default, [1]));
        Assert.Equal("review.moreVotesThanAttendees", ex.Code);
        Assert.Contains("公益性", ex.MessageZh);
    }

    [Fact]
    public void Weighted_scores_rank_projects_and_a_tie_goes_to_the_earlier_application()
    {
        // 0.4/0.3/0.3: #1 → 0.4*30+0.3*20+0.3*20 = 24; #2 → 0.4*20+0.3*30+0.3*30 = 26; #3 → 0.4*30+0.3*20+0.3*20 = 24 (tie with #1)
        var result = new ReviewMeetingResult(40,
            [new ReviewVoteTally(3, 30, 20, 20), new ReviewVoteTally(1, 30, 20, 20), new ReviewVoteTally(2, 20, 30, 30)],
            ReviewWeights.Default, [1, 2, 3]);

        Assert.Equal([2, 1, 3], result.Ranking.Select(r => r.ApplicationNumber));
        Assert.Equal([1, 2, 3], result.Ranking.Select(r => r.Rank));
        Assert.Equal(26m, result.Ranking[0].Score);
        Assert.Equal(result.Ranking[1].Score, result.Ranking[2].Score);
    }

    [Fact]
    public void Other_weights_change_the_ranking()
    {
        var tallies = new[] { new ReviewVoteTally(1, 30, 10, 10), new ReviewVoteTally(2, 10, 25, 25) };
        var byDefault = new ReviewMeetingResult(30, tallies, ReviewWeights.Default, [1, 2]);
        var publicBenefitFirst = new ReviewMeetingResult(30, tallies, new ReviewWeights(0.8m, 0.1m, 0.1m), [1, 2]);
        Assert.Equal(2, byDefault.Ranking[0].ApplicationNumber); // 18 vs 19
        Assert.Equal(19m, byDefault.Ranking[0].Score);
        Assert.Equal(1, publicBenefitFirst.Ranking[0].ApplicationNumber); // 26 vs 13
        Assert.Equal(26m, publicBenefitFirst.Ranking[0].Score);
    }

    [Fact]
    public void Every_eligible_application_needs_a_tally()
    {
        var ex = Assert.Throws<DomainRuleException>(() => new ReviewMeetingResult(20, [new ReviewVoteTally(1, 5, 5, 5)], ReviewWeights.Default, [1, 2]));
        Assert.Equal("review.missingApplication", ex.Code);
    }
}

public class FundingDecisionTests
{
    // Five ranked projects of 10,000 yuan each (Qingyuan's projects were "mostly around 10,000 yuan"), budget 30,000.
    private static readonly IReadOnlyList<RankedApplication> Ranking = Enumerable.Range(1, 5)
        .Select(i => new RankedApplication(i, ApplicationNumber: 10 + i, Score: 100 - i, new ReviewVoteTally(10 + i, 0, 0, 0))).ToList();

    private static readonly Dictionary<int, decimal> Requested = Enumerable.Range(11, 5).ToDictionary(n => n, _ => 10_000m);

    [Fact]
    public void Budget_funds_the_first_three_of_five_ranked_projects()
    {
        var recommendation = FundingRecommendation.ByRank(Ranking, Requested, 30_000m);
        Assert.Equal([11, 12, 13], recommendation.Grants.Select(g => g.ApplicationNumber));
        Assert.Equal(30_000m, recommendation.Total);
    }

    [Fact]
    public void Ranking_is_binding_a_cheaper_lower_project_is_not_skipped_into_the_list()
    {
        var requested = new Dictionary<int, decimal>(Requested) { [12] = 25_000m, [13] = 5_000m };
        var recommendation = FundingRecommendation.ByRank(Ranking, requested, 30_000m);
        Assert.Equal([11], recommendation.Grants.Select(g => g.ApplicationNumber));
    }

    [Fact]
    public void Following_the_ranking_needs_no_reason()
    {
        var recommendation = FundingRecommendation.ByRank(Ranking, Requested, 30_000m);
        var decision = FundingDecision.Confirm(recommendation, recommendation.Grants, null, Requested, 10_000m);
        Assert.False(decision.DepartsFromRanking);
    }

    [Fact]
    public void Departing_from_the_ranking_requires_a_written_reason_which_is_recorded()
    {
        var recommendation = FundingRecommendation.ByRank(Ranking, Requested, 30_000m);
        Grant[] grants = [new(11, 10_000m), new(12, 10_000m), new(15, 10_000m)];
        var ex = Assert.Throws<DomainRuleException>(() => FundingDecision.Confirm(recommendation, grants, " ", Requested, 10_000m));
        Assert.Equal("funding.departureWithoutReason", ex.Code);

        var decision = FundingDecision.Confirm(recommendation, grants, "Experts: #15 serves the only bungalow area", Requested, 10_000m);
        Assert.True(decision.DepartsFromRanking);
        Assert.Equal("Experts: #15 serves the only bungalow area", decision.DepartureReason);
    }

    [Fact]
    public void Grants_above_the_budget_are_refused()
    {
        var recommendation = FundingRecommendation.ByRank(Ranking, Requested, 30_000m);
        Grant[] grants = [new(11, 10_000m), new(12, 10_000m), new(13, 10_000m), new(14, 10_000m)];
        var ex = Assert.Throws<DomainRuleException>(() => FundingDecision.Confirm(recommendation, grants, "all good projects", Requested, 10_000m));
        Assert.Equal("funding.overBudget", ex.Code);
    }
}

public class ApplicationAndRoundTests
{
    private static ProjectApplication Application(decimal budget) => new(
        "金华里社区", "新居民之家", "Serve new residents", "Charity shop and child care", ["200 households served"],
        "Residents' committee with new residents", [new BudgetLine("Materials", budget)], 12);

    [Fact]
    public void Budget_above_the_cap_is_refused_and_at_the_cap_accepted()
    {
        Application(10_000m).EnsureWithinCap(10_000m);
        var ex = Assert.Throws<DomainRuleException>(() => Application(10_000.01m).EnsureWithinCap(10_000m));
        Assert.Equal("application.overCap", ex.Code);
    }

    [Fact]
    public void Round_cap_cannot_exceed_total_and_deadline_follows_opening()
    {
        Assert.Equal("round.cap", Assert.Throws<DomainRuleException>(() =>
            FundingRoundCall.Open("清源街道", 2007, "2007 pilot", 10_000m, 20_000m, new(2007, 5, 1), new(2007, 4, 1))).Code);
        Assert.Equal("round.deadline", Assert.Throws<DomainRuleException>(() =>
            FundingRoundCall.Open("清源街道", 2007, "2007 pilot", 50_000m, 15_000m, new(2007, 4, 1), new(2007, 4, 1))).Code);
        var call = FundingRoundCall.Open("清源街道", 2007, "2007 pilot", 50_000m, 15_000m, new(2007, 5, 1), new(2007, 4, 1));
        Assert.True(call.AcceptsOn(new(2007, 5, 1)));
        Assert.False(call.AcceptsOn(new(2007, 5, 2)));
    }
}

public class ExecutionTeamTests
{
    private static readonly DateOnly Signed = new(2007, 6, 1);

    [Fact]
    public void Team_without_a_finance_lead_is_refused()
    {
        var ex = Assert.Throws<DomainRuleException>(() => new ExecutionTeam(
            [new TeamMember("王芳", TeamRole.Lead, "Coordinates", Signed), new TeamMember("李强", TeamRole.Member, "Runs the shop", Signed)]));
        Assert.Equal("team.financeLead", ex.Code);
        Assert.Contains("财务负责人", ex.MessageZh);
    }

    [Fact]
    public void Team_without_a_lead_is_refused()
    {
        var ex = Assert.Throws<DomainRuleException>(() => new ExecutionTeam([new TeamMember("赵敏", TeamRole.FinanceLead, "Accounts", Signed)]));
        Assert.Equal("team.lead", ex.Code);
    }

    [Fact]
    public void Work_cannot_start_before_every_duties_contract_is_signed()
    {
        var team = new ExecutionTeam([
            new TeamMember("王芳", TeamRole.Lead, "Coordinates", Signed),
            new TeamMember("赵敏", TeamRole.FinanceLead, "Accounts", Signed),
            new TeamMember("李强", TeamRole.Member, "Runs the shop", null),
        ]);
        var ex = Assert.Throws<DomainRuleException>(() => team.EnsureReadyToStart(new(2007, 6, 2)));
        Assert.Equal("team.contractMissing", ex.Code);
        Assert.Contains("李强", ex.MessageEn);
    }
}

public class CompletionAndAuditTests
{
    [Fact]
    public void Spending_lines_that_do_not_add_up_are_refused()
    {
        var ex = Assert.Throws<DomainRuleException>(() => new FinancialAuditForm(
            [new SpendingLine("Materials", 6_000m, 5_800m), new SpendingLine("Training", 4_000m, 4_100m)], 10_000m, 9_800m));
        Assert.Equal("finance.spentDoesNotAddUp", ex.Code);
    }

    [Fact]
    public void Overspent_lines_are_flagged_not_refused()
    {
        var form = new FinancialAuditForm([new SpendingLine("Materials", 6_000m, 5_800m), new SpendingLine("Training", 4_000m, 4_100m)], 10_000m, 9_900m);
        Assert.True(form.OverspendFlagged);
        Assert.Equal("Training", Assert.Single(form.OverspentLines).Item);
    }

    [Fact]
    public void All_three_completion_documents_are_required()
    {
        var form = new FinancialAuditForm([new SpendingLine("Materials", 10_000m, 9_000m)], 10_000m, 9_000m);
        var ex = Assert.Throws<DomainRuleException>(() => new CompletionDocuments(new ExecutionReport("done", 12, 300), form, null));
        Assert.Equal("completion.evaluation", ex.Code);
    }

    [Fact]
    public void A_failed_audit_needs_findings_with_deadlines_after_the_audit()
    {
        var on = new DateOnly(2008, 1, 10);
        Assert.Equal("audit.findingsRequired", Assert.Throws<DomainRuleException>(() => new AuditResult(false, [], on)).Code);
        Assert.Equal("audit.deadline", Assert.Throws<DomainRuleException>(() => new AuditResult(false, [new AuditFinding("Receipts missing", on)], on)).Code);
        var result = new AuditResult(false, [new AuditFinding("Receipts missing", new(2008, 1, 20)), new AuditFinding("Ledger", new(2008, 1, 31))], on);
        Assert.Equal(new DateOnly(2008, 1, 31), result.RectificationDue);
    }

    [Fact]
    public void Satisfaction_and_standalone_review_thresholds()
    {
        Assert.Equal(0.96m, new SatisfactionRating(250, 240).Rate);
        Assert.True(new StandaloneReview(60m, 60m).Passed);
        Assert.False(new StandaloneReview(59.9m, 60m).Passed);
    }

    [Fact]
    public void Lifecycle_refuses_skipping_steps_but_loops_audit_and_rectification()
    {
        var lifecycle = new ProjectLifecycle(ProjectStage.TeamFormation);
        Assert.Equal("project.transition", Assert.Throws<DomainRuleException>(() => lifecycle.MoveTo(ProjectStage.Audit)).Code);
        lifecycle.MoveTo(ProjectStage.Implementation);
        lifecycle.MoveTo(ProjectStage.Completion);
        lifecycle.MoveTo(ProjectStage.Audit);
        lifecycle.MoveTo(ProjectStage.Rectification);
        lifecycle.MoveTo(ProjectStage.Audit);
        lifecycle.MoveTo(ProjectStage.Evaluation);
        lifecycle.MoveTo(ProjectStage.Closed);
        Assert.Equal(ProjectStage.Closed, lifecycle.Stage);
    }
}
