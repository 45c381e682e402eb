using Governance.Domain.Calendar;
using Governance.Domain.Evaluation;
using Governance.Durable;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;

namespace Governance.Workflows.SelfManagement;

/// <summary>
/// Steps 4–6 of §3 for one year of the committee: empowerment (with funding applications started as linked
/// community projects), then side by side the problem rounds (collect, open-space meeting, sort; each problem its
/// own instance with a due date) and the monthly publications (四公示, reminded and escalated), and finally the
/// residents' assembly's annual review, publicised.
/// </summary>
internal sealed class CommitteeYear(ProcessTracker tracker, SelfManagementRules rules, EstateCommitteeInput input)
{
    private readonly TaskOrchestrationContext context = tracker.Context;

    /// <summary>Runs the year that begins on <paramref name="start"/> (may be in the past: steps whose time has come open at once).</summary>
    public async Task<CommitteeYearReport> RunAsync(EstateCommittee committee, ElectionOutcome? election, DateOnly start)
    {
        var projects = await EmpowerAsync();
        var problemsTask = ProblemRoundsAsync(start);
        var accountsTask = MonthlyPublicationsAsync(start);
        await Task.WhenAll(problemsTask, accountsTask);
        var problems = await problemsTask;
        var accounts = await accountsTask;

        var review = await AnnualReviewAsync(start.AddYears(1).AddDays(-1));
        decimal satisfaction = Satisfaction.Rate(review.Satisfied, review.Respondents);
        return new CommitteeYearReport(input.Year, committee.Members, election, projects, problems, accounts.Count,
            accounts.Sum(a => a.Income), accounts.Sum(a => a.Expenses), accounts.Sum(a => a.PointsAwarded), accounts.Sum(a => a.GoodDeeds?.Count ?? 0), satisfaction);
    }

    /// <summary>4. 一助力三支持; every funding application becomes a linked community-project of this estate.</summary>
    private async Task<IReadOnlyList<ProcessLink>> EmpowerAsync()
    {
        var plan = await HumanStep.WaitAsync<EmpowermentPlanned, EmpowermentPlanned>(tracker,
            CommitteeSetup.Step(nameof(EmpowermentPlanned), $"{input.Year}年度赋能计划(一助力三支持)", $"{input.Year} empowerment plan (study visits, support)",
                SelfManagementRoles.Community, rules.StepWorkingDays),
            SelfManagementChecks.Empowerment);
        var links = new List<ProcessLink>();
        foreach (var application in plan.FundingApplications ?? [])
        {
            var project = new ProjectLifecycleInput(input.Street, input.Community, input.Year, $"{input.Estate}:{application.ProjectName}",
                PerProjectCap: application.PerProjectCap);
            // Keyed by the project's own name (the plan refuses a name twice), not by its place in the list.
            links.Add(await LinkedProjects.StartAsync(tracker, LinkedProjects.KeyFor(input.Year, application.ProjectName), project));
        }

        return links;
    }

    /// <summary>5. Rounds spread over the year; the year waits for every sorted problem to be solved.</summary>
    private async Task<IReadOnlyList<ProblemOutcome>> ProblemRoundsAsync(DateOnly start)
    {
        int every = 12 / rules.ProblemRoundsPerYear;
        var solving = new List<Task<ProblemOutcome>>();
        for (int round = 1; round <= rules.ProblemRoundsPerYear; round++)
        {
            DateTime opens = ChinaTime.StartOfDay(start.AddMonths((round - 1) * every)).UtcDateTime;
            if (opens > tracker.UtcNow)
            {
                await context.CreateTimer(opens, CancellationToken.None);
            }

            var collected = await HumanStep.WaitAsync<ProblemsCollected, IReadOnlyList<ReportedProblem>>(tracker,
                CommitteeSetup.Step(nameof(ProblemsCollected), $"解难题:收集第{round}轮问题(定点、入户、线上)", $"Collect problems, round {round}",
                    SelfManagementRoles.EstateCommittee, rules.StepWorkingDays),
                SelfManagementChecks.Problems,
                p => ($"{p.Count} problem(s) collected.", $"收集问题{p.Count}个。"));
            if (collected.Count == 0)
            {
                continue;
            }

            var sorted = await HumanStep.WaitAsync<OpenSpaceMeetingHeld, IReadOnlyList<SortedProblem>>(tracker,
                CommitteeSetup.Step(nameof(OpenSpaceMeetingHeld), $"开放空间会议:讨论并分类交办第{round}轮问题", $"Open-space meeting: discuss and sort round {round}",
                    SelfManagementRoles.EstateCommittee, rules.StepWorkingDays),
                m => SelfManagementChecks.Sorted(m, collected));
            int number = 0;
            foreach (var problem in sorted)
            {
                number++;
                var reported = collected.First(c => c.Title.Trim() == problem.Title.Trim());
                var problemInput = new EstateProblemInput(input.Street, input.Community, input.Estate, input.Year, round, number, problem, reported,
                    problem.DueInWorkingDays ?? rules.ProblemWorkingDays, rules.Escalation);
                solving.Add(context.CallSubOrchestratorAsync<ProblemOutcome>(nameof(EstateProblemOrchestrator), problemInput,
                    new SubOrchestrationOptions(instanceId: EstateProblemOrchestrator.InstanceId(context.InstanceId, input.Year, round, number)) { Tags = input.Tags() }));
            }
        }

        return await Task.WhenAll(solving);
    }

    /// <summary>6a. 四公示 every month: income and expenses, points, good deeds; due a few working days into the next month.</summary>
    private async Task<IReadOnlyList<MonthlyAccountsPublished>> MonthlyPublicationsAsync(DateOnly start)
    {
        var published = new List<MonthlyAccountsPublished>();
        for (int month = 1; month <= 12; month++)
        {
            DateOnly periodEnd = start.AddMonths(month).AddDays(-1);
            DateTime endsAt = ChinaTime.StartOfDay(periodEnd).UtcDateTime;
            if (endsAt > tracker.UtcNow)
            {
                await context.CreateTimer(endsAt, CancellationToken.None);
            }

            int m = month;
            published.Add(await HumanStep.WaitAsync<MonthlyAccountsPublished, MonthlyAccountsPublished>(tracker,
                new HumanStepSpec(nameof(MonthlyAccountsPublished), $"公示第{month}个月收支、积分和好人好事", $"Publish month {month}: income, expenses, points, good deeds",
                    SelfManagementRoles.EstateCommittee, DueInWorkingDays: rules.MonthlyPublicationWorkingDays, CountFrom: periodEnd),
                a => SelfManagementChecks.Accounts(a, m)));
        }

        return published;
    }

    /// <summary>6b. The residents' assembly reviews the year; the result is posted (an upheld objection repeats the review).</summary>
    private async Task<AnnualReviewHeld> AnnualReviewAsync(DateOnly yearEnds)
    {
        var reviewed = await RedoOnObjection.RunAsync(tracker,
            () => HumanStep.WaitAsync<AnnualReviewHeld, AnnualReviewHeld>(tracker,
                new HumanStepSpec(nameof(AnnualReviewHeld), $"居民大会评议自管委员会{input.Year}年度工作", $"Residents' assembly reviews the committee's {input.Year} work",
                    SelfManagementRoles.Community, DueInWorkingDays: rules.AnnualReviewWorkingDays, CountFrom: yearEnds > tracker.Today ? yearEnds : tracker.Today),
                SelfManagementChecks.AnnualReview),
            review => new PublicitySpec($"{input.Estate}自管委员会{input.Year}年度评议结果", $"the committee's {input.Year} review",
                rules.PublicityWorkingDays, Roles.StreetOffice, rules.ObjectionRulingWorkingDays,
                $"满意{review.Satisfied}/{review.Respondents}户:{review.Summary}", $"{review.Satisfied} of {review.Respondents} households satisfied"));
        return reviewed.Result;
    }
}
