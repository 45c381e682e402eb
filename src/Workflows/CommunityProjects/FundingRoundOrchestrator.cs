using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Domain.Projects;
using Governance.Durable;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Microsoft.Extensions.Logging;

namespace Governance.Workflows.CommunityProjects;

/// <summary>
/// §1, a funding round (年度社区服务项目评审 / 公益创投): call for applications until the deadline (screening on the
/// budget cap and residents' support), review meeting and weighted ranking, the leadership group's decision within
/// the budget, publicity of the funded list (an upheld objection reopens the decision), then every funded project runs
/// as its own <see cref="ProjectLifecycleOrchestrator"/> instance <c>{roundId}:project:{n}</c>; the round closes with
/// its report.
/// </summary>
public sealed class FundingRoundOrchestrator : TaskOrchestrator<FundingRoundInput, FundingRoundReport>
{
    public const string WorkflowName = "community-funding-round";

    public override async Task<FundingRoundReport> RunAsync(TaskOrchestrationContext context, FundingRoundInput input)
    {
        var log = context.CreateReplaySafeLogger<FundingRoundOrchestrator>();
        var rules = await context.CallActivityAsync<CommunityProjectRules>(nameof(LoadCommunityProjectRulesActivity), WorkflowName);
        if (input.PublicityWorkingDays is { } days)
        {
            rules = rules with { PublicityWorkingDays = days };
        }

        var weights = (input.Weights ?? rules.Weights).ToWeights();
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, null, input.Year, input.RoundName), rules.Escalation);
        var call = FundingRoundCall.Open(input.Street, input.Year, input.RoundName, input.BudgetTotal, input.PerProjectCap, input.ApplicationDeadline, tracker.Today);

        // 1. Call for applications.
        var (applications, screenedOut, received) = await CollectApplicationsAsync(tracker, call, rules);
        log.LogInformation("Round {Round}: {Eligible} eligible of {Received} applications", call.RoundName, applications.Count, received);
        if (applications.Count == 0)
        {
            tracker.Step("已结束:无合格申请", "Closed: no eligible applications");
            return new FundingRoundReport(call.Street, call.Year, call.RoundName, call.BudgetTotal, received, screenedOut, [], null, [], 0, 0, []);
        }

        // 2. Review meeting: votes per criterion, weighted, ranked.
        var requested = applications.ToDictionary(a => a.Key, a => a.Value.BudgetLines.Sum(l => l.Amount));
        var review = await HumanStep.WaitAsync<ReviewMeetingHeld, ReviewMeetingResult>(tracker,
            new HumanStepSpec(nameof(ReviewMeetingHeld), "召开项目评审会", "Hold the review meeting", Roles.StreetOffice,
                DueInWorkingDays: rules.ReviewMeetingWorkingDays, CountFrom: call.Deadline),
            held => new ReviewMeetingResult(held.Attendees, held.Tallies, weights, requested.Keys));
        var recommendation = FundingRecommendation.ByRank(review.Ranking, requested, call.BudgetTotal);

        // 3–4. Decision by the leadership group, publicised; an upheld objection sends it back to the decision.
        var decided = await RedoOnObjection.RunAsync(tracker,
            () => HumanStep.WaitAsync<FundingDecided, FundingDecision>(tracker,
                new HumanStepSpec(nameof(FundingDecided), "领导小组确定资助项目", "Leadership group decides the funded projects", Roles.LeadershipGroup,
                    DueInWorkingDays: rules.FundingDecisionWorkingDays),
                d => FundingDecision.Confirm(recommendation, d.Grants, d.DepartureReason, requested, call.PerProjectCap)),
            decision => new PublicitySpec("拟资助项目名单", "the funded projects list", rules.PublicityWorkingDays,
                Roles.LeadershipGroup, rules.ObjectionRulingWorkingDays,
                string.Join(";", decision.Grants.Select(g => $"{applications[g.ApplicationNumber].Community}“{applications[g.ApplicationNumber].ProjectName}”{g.Amount}元")),
                $"{decision.Grants.Count} projects, {decision.Total} yuan"),
            _ => log.LogInformation("Round {Round}: objection upheld, the funding decision is reopened", call.RoundName));
        var decision = decided.Result;

        // 5. Fan-out: every funded project is its own instance with a business-key id; the round waits for all.
        tracker.Step("资助项目实施中", "Funded projects under way");
        var projects = decision.Grants.Select(g => RunProjectAsync(context, input, rules, g, applications[g.ApplicationNumber])).ToList();
        var outcomes = await Task.WhenAll(projects);

        tracker.Step("已结束:评审批次总结", "Closed: round report");
        return new FundingRoundReport(call.Street, call.Year, call.RoundName, call.BudgetTotal, received, screenedOut, review.Ranking, decision,
            decided.Objections, outcomes.Sum(o => o.Granted), outcomes.Sum(o => o.Spent), outcomes);
    }

    public static string ProjectInstanceId(string roundInstanceId, int applicationNumber) => $"{roundInstanceId}:project:{applicationNumber}";

    private static async Task<ProjectOutcome> RunProjectAsync(TaskOrchestrationContext context, FundingRoundInput input, CommunityProjectRules rules, Grant grant, ApplicationSubmitted application)
    {
        string id = ProjectInstanceId(context.InstanceId, grant.ApplicationNumber);
        var projectInput = new ProjectLifecycleInput(input.Street, application.Community, input.Year, application.ProjectName, input.RoundName,
            new RoundGrant(grant.ApplicationNumber, application, grant.Amount), Rules: rules);
        try
        {
            return await context.CallSubOrchestratorAsync<ProjectOutcome>(nameof(ProjectLifecycleOrchestrator), projectInput, new SubOrchestrationOptions(instanceId: id) { Tags = CommunityProjectsCatalog.Project.TagsFromInput(projectInput) });
        }
        catch (TaskFailedException failed)
        {
            // One failed project must not hide the others from the round report.
            return new ProjectOutcome(id, application.Community, application.ProjectName, ProjectResult.Failed, grant.Amount, 0, null, 0, 0, failed.FailureDetails.ErrorMessage);
        }
    }

    /// <summary>
    /// Accepts <see cref="ApplicationSubmitted"/> until the end of the deadline day, reminding communities before it.
    /// Invalid applications are refused with the reason (the community may resubmit); applications below the support
    /// threshold without an override are screened out and recorded.
    /// </summary>
    private static async Task<(Dictionary<int, ApplicationSubmitted> Eligible, List<ScreenedOutApplication> ScreenedOut, int Received)> CollectApplicationsAsync(
        ProcessTracker tracker, FundingRoundCall call, CommunityProjectRules rules)
    {
        var ctx = tracker.Context;
        const string eventName = nameof(ApplicationSubmitted);
        string stepZh = "征集项目申请", stepEn = "Call for applications";
        var plan = await ctx.CallActivityAsync<HumanStepPlan>(nameof(PlanHumanStepActivity),
            new PlanHumanStepRequest(tracker.Today, null, call.Deadline, rules.Escalation));
        DateTime closesAt = ChinaTime.EndOfDay(call.Deadline).UtcDateTime; // the call's own date, even if a day off
        tracker.Step(stepZh, stepEn);
        tracker.Open(new OpenStep(eventName, stepZh, stepEn, Roles.Community, call.Deadline, ChinaTime.EndOfDay(call.Deadline), 0, EscalationLevel.None.ToEnglish(),
            HumanStep.StepToken(eventName, 1), plan.Provisional));

        var reminders = new Queue<ScheduledNotice>(plan.Notices.Where(n => n.Kind == NoticeKind.Reminder && HumanStep.NoticeUtc(n) > tracker.UtcNow && HumanStep.NoticeUtc(n) < closesAt));
        var eligible = new Dictionary<int, ApplicationSubmitted>();
        var screenedOut = new List<ScreenedOutApplication>();
        int received = 0;
        using var deadlineCancellation = new CancellationTokenSource();
        Task deadline = ctx.CreateTimer(closesAt, deadlineCancellation.Token);
        using var submissionCancellation = new CancellationTokenSource();

        // The next application's wait is opened before anything else is awaited, so that communities applying at the
        // same time are all answered rather than told the call is not open.
        Task<ScreenedApplication> WaitForNext() => ctx.WaitForSubmission<ApplicationSubmitted, ScreenedApplication>(eventName,
            submitted => Screen(submitted, call, rules, eligible.Count + screenedOut.Count + 1),
            new SubmissionWaitOptions { StepToken = HumanStep.StepToken(eventName, 1) }, submissionCancellation.Token);
        Task<ScreenedApplication> next = WaitForNext();
        while (true)
        {
            using var reminderCancellation = new CancellationTokenSource();
            Task? reminder = reminders.Count > 0 ? ctx.CreateTimer(HumanStep.NoticeUtc(reminders.Peek()), reminderCancellation.Token) : null;
            Task winner = reminder is null ? await Task.WhenAny(next, deadline) : await Task.WhenAny(next, deadline, reminder);
            if (winner == deadline)
            {
                submissionCancellation.Cancel();
                reminderCancellation.Cancel();
                tracker.Close(eventName);
                return (eligible, screenedOut, received);
            }

            if (winner == reminder)
            {
                var notice = reminders.Dequeue();
                await tracker.NotifyAsync($"{eventName}.1.Reminder.{notice.WorkingDaysFromDue}", NotificationKinds.Reminder, eventName, stepZh, stepEn, Roles.Community,
                    EscalationLevel.None, call.Deadline,
                    $"提醒:项目申请将于{call.Deadline:yyyy-MM-dd}截止。", $"Reminder: applications close on {call.Deadline:yyyy-MM-dd}.");
                continue;
            }

            reminderCancellation.Cancel();
            var screened = await next;
            next = WaitForNext();
            received++;
            if (screened.Support.Proceeds)
            {
                eligible[screened.Number] = screened.Submitted;
            }
            else
            {
                screenedOut.Add(new ScreenedOutApplication(screened.Number, screened.Submitted.Community, screened.Submitted.ProjectName, screened.Support.ExplainZh, screened.Support.ExplainEn));
                await tracker.NotifyAsync($"{eventName}.screenedOut.{screened.Number}", NotificationKinds.ScreenedOut, eventName, stepZh, stepEn, Roles.Community,
                    EscalationLevel.None, call.Deadline,
                    $"{screened.Submitted.Community}“{screened.Submitted.ProjectName}”未进入评审:{screened.Support.ExplainZh}",
                    $"{screened.Submitted.Community} '{screened.Submitted.ProjectName}' not reviewed: {screened.Support.ExplainEn}");
            }
        }
    }

    /// <summary>An application taken by the call, numbered in order of arrival, with its support decision.</summary>
    private sealed record ScreenedApplication(int Number, ApplicationSubmitted Submitted, SupportDecision Support);

    /// <summary>Refuses an invalid application (the community corrects and resubmits); screens on residents' support.</summary>
    private static SubmissionAcceptance<ScreenedApplication> Screen(ApplicationSubmitted submitted, FundingRoundCall call, CommunityProjectRules rules, int number)
    {
        try
        {
            Validate(submitted, call);
            var support = submitted.SupportPoll!.Decide(rules.SupportThreshold);
            return support.Proceeds
                ? SubmissionAcceptance.Of(new ScreenedApplication(number, submitted, support),
                    $"Application {number} accepted for review. {support.ExplainEn}", $"第{number}号申请已受理，进入评审。{support.ExplainZh}")
                : SubmissionAcceptance.Of(new ScreenedApplication(number, submitted, support),
                    $"Application {number} recorded but not reviewed: {support.ExplainEn}", $"第{number}号申请已登记，但不进入评审：{support.ExplainZh}");
        }
        catch (DomainRuleException refused)
        {
            // The survey and the support poll travel inside the application.
            throw HumanStep.Refusal(refused, refused.Code.Split('.')[0] switch
            {
                "survey" => "needsSurvey",
                "support" => "supportPoll",
                _ => null,
            });
        }
    }

    internal static ProjectApplication Validate(ApplicationSubmitted submitted, FundingRoundCall call)
    {
        var application = ToApplication(submitted);
        application.EnsureWithinCap(call.PerProjectCap);
        Rule.Require(submitted.NeedsSurvey is not null, "application.survey", "A round application must include the needs survey.", "申报须附需求调查结果。");
        _ = new NeedsSurveyResult(submitted.NeedsSurvey!.Summary, submitted.NeedsSurvey.RespondentCount, submitted.NeedsSurvey.Methods);
        Rule.Require(submitted.SupportPoll is not null, "application.supportPoll", "A round application must include the residents' support poll.", "申报须附群众评议结果。");
        return application;
    }

    internal static ProjectApplication ToApplication(ApplicationSubmitted s) =>
        new(s.Community, s.ProjectName, s.Purpose, s.Plan, s.Indicators ?? [], s.ImplementingTeam, s.BudgetLines ?? [], s.DurationMonths);
}
