using Governance.Domain;
using Governance.Domain.Projects;
using Governance.Durable;
using Governance.Workflows.Common;
using Microsoft.Extensions.Logging;

namespace Governance.Workflows.CommunityProjects;

/// <summary>
/// §2, one community service project from needs survey to closing. Standalone projects go through survey,
/// application, support poll, a single review and approval; projects funded by a round start at the execution team.
/// Then: monthly progress reports (reminded and escalated when late), an optional mid-term check, the three
/// completion documents, the audit with its rectification loop, the satisfaction rating at the year-end evaluation
/// meeting (publicised; an upheld objection repeats the rating), closed.
/// </summary>
public sealed class ProjectLifecycleOrchestrator : TaskOrchestrator<ProjectLifecycleInput, ProjectOutcome>
{
    public const string WorkflowName = "community-project";

    public override async Task<ProjectOutcome> RunAsync(TaskOrchestrationContext context, ProjectLifecycleInput input)
    {
        var log = context.CreateReplaySafeLogger<ProjectLifecycleOrchestrator>();
        var rules = input.Rules ?? await context.CallActivityAsync<CommunityProjectRules>(nameof(LoadCommunityProjectRulesActivity), WorkflowName);
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, input.Community, input.Year, input.Round), rules.Escalation);
        if (input.Parent is { } parent)
        {
            tracker.Link(parent);
        }

        var lifecycle = new ProjectLifecycle(input.Grant is null ? ProjectStage.NeedsSurvey : ProjectStage.TeamFormation);
        ProjectOutcome Ended(ProjectResult result, string? note = null, decimal granted = 0) =>
            new(context.InstanceId, input.Community, input.ProjectName, result, granted, 0, null, 0, 0, note);

        // 1–4 (standalone only; inside a round they happened in the round).
        ProjectApplication application;
        decimal granted;
        if (input.Grant is { } grant)
        {
            application = FundingRoundOrchestrator.ToApplication(grant.Application);
            granted = grant.GrantedAmount;
        }
        else
        {
            decimal cap = input.PerProjectCap ?? throw new DomainRuleException("project.cap",
                "A standalone project needs the per-project cap.", "独立申报项目须给出资助上限。");
            await HumanStep.WaitAsync<NeedsSurveyCompleted, NeedsSurveyResult>(tracker,
                Step(nameof(NeedsSurveyCompleted), "需求调查", "Needs survey", Roles.Community, rules.CommunityStepWorkingDays),
                s => new NeedsSurveyResult(s.Summary, s.RespondentCount, s.Methods));
            lifecycle.MoveTo(ProjectStage.Application);

            application = await HumanStep.WaitAsync<ApplicationSubmitted, ProjectApplication>(tracker,
                Step(nameof(ApplicationSubmitted), "提交项目申请书", "Submit the application", Roles.Community, rules.CommunityStepWorkingDays),
                s =>
                {
                    var a = FundingRoundOrchestrator.ToApplication(s);
                    a.EnsureWithinCap(cap);
                    return a;
                });
            lifecycle.MoveTo(ProjectStage.SupportPoll);

            var support = await HumanStep.WaitAsync<SupportPollCompleted, SupportDecision>(tracker,
                Step(nameof(SupportPollCompleted), "群众评议(支持率)", "Residents' support poll", Roles.Community, rules.CommunityStepWorkingDays),
                p => p.Decide(rules.SupportThreshold),
                d => (d.Proceeds ? d.ExplainEn : d.ExplainEn + " The project stops.", d.Proceeds ? d.ExplainZh : d.ExplainZh + "项目终止。"));
            if (!support.Proceeds)
            {
                lifecycle.MoveTo(ProjectStage.Rejected);
                tracker.Step("已结束:群众支持率不足", "Closed: not supported by residents");
                return Ended(ProjectResult.NotSupportedByResidents, support.ExplainEn);
            }

            lifecycle.MoveTo(ProjectStage.Review);
            decimal threshold = input.ReviewThreshold ?? rules.StandaloneReviewThreshold;
            var review = await HumanStep.WaitAsync<ProjectReviewed, StandaloneReview>(tracker,
                Step(nameof(ProjectReviewed), "项目评审", "Project review", Roles.StreetOffice, rules.ReviewMeetingWorkingDays),
                r => new StandaloneReview(r.Score, threshold));
            if (!review.Passed)
            {
                lifecycle.MoveTo(ProjectStage.Rejected);
                tracker.Step("已结束:评审未通过", "Closed: review not passed");
                return Ended(ProjectResult.ReviewFailed, $"Score {review.Score} below {review.Threshold}");
            }

            lifecycle.MoveTo(ProjectStage.Approval);
            var approval = await HumanStep.WaitAsync<ApprovalDecided, ApprovalDecided>(tracker,
                Step(nameof(ApprovalDecided), "领导小组审批", "Leadership group approval", Roles.LeadershipGroup, rules.ApprovalWorkingDays),
                d =>
                {
                    Rule.RequireText(d.Reason, "approval.reason", "The decision's reason", "审批意见");
                    Rule.Require(!d.Approved || (d.GrantedAmount > 0 && d.GrantedAmount <= application.Budget), "approval.amount",
                        $"The grant must be positive and at most the budget ({application.Budget} yuan).", $"资助金额必须大于零且不超过预算({application.Budget}元)。");
                    return d;
                });
            if (!approval.Approved)
            {
                lifecycle.MoveTo(ProjectStage.Rejected);
                tracker.Step("已结束:未获批准", "Closed: not approved");
                return Ended(ProjectResult.NotApproved, approval.Reason);
            }

            granted = approval.GrantedAmount;
            lifecycle.MoveTo(ProjectStage.TeamFormation);
        }

        // 5. Execution team with every duties contract before work starts.
        var team = await HumanStep.WaitAsync<TeamFormed, TeamFormed>(tracker,
            Step(nameof(TeamFormed), "组建项目执行小组并签署职责合同", "Form the execution team and sign duties contracts", Roles.Community, rules.CommunityStepWorkingDays),
            t =>
            {
                new ExecutionTeam(t.Members).EnsureReadyToStart(t.WorkStartsOn);
                return t;
            });
        lifecycle.MoveTo(ProjectStage.Implementation);

        // 6. Implementation: a report after every month, due some working days into the next one.
        DateOnly start = team.WorkStartsOn > tracker.Today ? team.WorkStartsOn : tracker.Today;
        bool midTermCheck = input.MidTermCheck ?? rules.MidTermCheck;
        int midTermAfter = (application.DurationMonths + 1) / 2;
        decimal spentToDate = 0;
        for (int month = 1; month <= application.DurationMonths; month++)
        {
            DateOnly periodEnd = start.AddMonths(month).AddDays(-1);
            DateTime periodEndsAt = Governance.Domain.Calendar.ChinaTime.StartOfDay(periodEnd).UtcDateTime;
            if (periodEndsAt > tracker.UtcNow)
            {
                tracker.Step($"项目实施中(第{month}个月)", $"Implementation (month {month})");
                await context.CreateTimer(periodEndsAt, CancellationToken.None);
            }

            int reportNumber = month;
            var report = await HumanStep.WaitAsync<ProgressReported, ProgressReport>(tracker,
                new HumanStepSpec(nameof(ProgressReported), $"提交第{month}个月进展报告", $"Submit the month {month} progress report", Roles.Community,
                    DueInWorkingDays: rules.ProgressReportWorkingDays, CountFrom: periodEnd),
                r => new ProgressReport(reportNumber, r.Summary, r.TeamMeetingsHeld, r.ResidentsReached, r.SpentToDate, granted),
                p => ($"Month {p.ReportNumber} report accepted: spent {p.SpentToDate} of {granted} yuan{(p.OverspendFlagged ? " (above the grant)" : "")}.",
                    $"第{p.ReportNumber}个月进展报告已受理：累计支出{p.SpentToDate}元/资助{granted}元{(p.OverspendFlagged ? "（超出资助额）" : "")}。"));
            spentToDate = report.SpentToDate;
            if (report.OverspendFlagged)
            {
                log.LogWarning("Project {Project}: spending {Spent} is above the grant {Granted}", input.ProjectName, report.SpentToDate, granted);
            }

            if (midTermCheck && month == midTermAfter && application.DurationMonths > 1)
            {
                await HumanStep.WaitAsync<MidTermChecked, MidTermChecked>(tracker,
                    Step(nameof(MidTermChecked), "监审组中期检查", "Oversight group mid-term check", Roles.OversightGroup, rules.MidTermCheckWorkingDays),
                    m =>
                    {
                        Rule.RequireText(m.Findings, "midterm.findings", "The check's findings", "检查意见");
                        return m;
                    });
            }
        }

        // 7. The three completion documents.
        lifecycle.MoveTo(ProjectStage.Completion);
        var documents = await HumanStep.WaitAsync<CompletionDocumentsSubmitted, CompletionDocuments>(tracker,
            Step(nameof(CompletionDocumentsSubmitted), "提交执行报告表、财务审计表、评估报告", "Submit execution report, financial audit form, evaluation report",
                Roles.Community, rules.CompletionDocumentsWorkingDays),
            d => new CompletionDocuments(d.ExecutionReport, new FinancialAuditForm(d.SpendingLines ?? [], d.TotalBudgeted, d.TotalSpent), d.EvaluationReport));
        decimal spent = documents.FinancialAuditForm.TotalSpent;

        // 8. Audit, looping through rectification until passed.
        int auditRounds = 0;
        while (true)
        {
            lifecycle.MoveTo(ProjectStage.Audit);
            auditRounds++;
            var audit = await HumanStep.WaitAsync<AuditCompleted, AuditResult>(tracker,
                Step(nameof(AuditCompleted), auditRounds == 1 ? "监审组审计" : $"监审组复审(第{auditRounds}轮)",
                    auditRounds == 1 ? "Oversight group audit" : $"Oversight group re-audit (round {auditRounds})", Roles.OversightGroup, rules.AuditWorkingDays),
                a => new AuditResult(a.Passed, a.Findings, tracker.Today));
            if (audit.Passed)
            {
                break;
            }

            lifecycle.MoveTo(ProjectStage.Rectification);
            await HumanStep.WaitAsync<RectificationSubmitted, RectificationSubmitted>(tracker,
                new HumanStepSpec(nameof(RectificationSubmitted), $"整改({audit.Findings.Count}项问题)", $"Rectification ({audit.Findings.Count} findings)", Roles.Community,
                    DueOn: audit.RectificationDue),
                r =>
                {
                    Rule.RequireText(r.Summary, "rectification.summary", "What was rectified", "整改情况");
                    return r;
                });
        }

        // 9. Satisfaction at the year-end evaluation meeting, publicised.
        lifecycle.MoveTo(ProjectStage.Evaluation);
        var satisfaction = (await RedoOnObjection.RunAsync(tracker,
            () => HumanStep.WaitAsync<SatisfactionRated, SatisfactionRating>(tracker,
                Step(nameof(SatisfactionRated), "年度评议大会满意度测评", "Satisfaction rating at the year-end evaluation meeting", Roles.StreetOffice, rules.SatisfactionWorkingDays),
                s => new SatisfactionRating(s.Respondents, s.Satisfied)),
            satisfaction => new PublicitySpec($"“{input.ProjectName}”评议结果", $"the evaluation of '{input.ProjectName}'",
                rules.PublicityWorkingDays, Roles.StreetOffice, rules.ObjectionRulingWorkingDays,
                $"满意度{satisfaction.Rate:P1}({satisfaction.Satisfied}/{satisfaction.Respondents}),支出{spent}元/资助{granted}元",
                $"Satisfaction {satisfaction.Rate:P1} ({satisfaction.Satisfied}/{satisfaction.Respondents}), spent {spent} of {granted} yuan"),
            _ => lifecycle.MoveTo(ProjectStage.Evaluation))).Result;

        // 10. Closed; the history stays for audit.
        lifecycle.MoveTo(ProjectStage.Closed);
        tracker.Step("已结项", "Closed");
        return new ProjectOutcome(context.InstanceId, input.Community, input.ProjectName, ProjectResult.Closed, granted, spent, satisfaction.Rate,
            auditRounds, application.DurationMonths);
    }

    private static HumanStepSpec Step(string eventName, string zh, string en, string role, int workingDays)
        => new(eventName, zh, en, role, DueInWorkingDays: workingDays);
}
