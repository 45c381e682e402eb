using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Domain.Evaluation;
using Governance.Durable;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;

namespace Governance.Workflows.AnnualReviews;

/// <summary>
/// §6, the year-end evaluation meeting (年度评议大会, Chaoyang): every year on its configured day it finds the
/// community's projects of the year by their tags, takes the meeting's on-site inspection and satisfaction rating of
/// each project that awaits it (every such project exactly once), submits each rating to its project as that
/// project's satisfaction step through the submission API (the project then publicises its own result and closes),
/// and publicises the meeting's results. Then it continues as new into the next year.
/// </summary>
public sealed class EvaluationMeetingOrchestrator : TaskOrchestrator<EvaluationMeetingInput, EvaluationMeetingRecord>
{
    public const string WorkflowName = "year-end-evaluation-meeting";

    /// <summary>
    /// The id of a meeting's rating for a project, the same on every retry. Hashed: project ids may hold Chinese
    /// names and be long, which a submission id (ASCII, at most 128 characters) may not.
    /// </summary>
    internal static string RatingSubmissionId(string meetingId, int year, string projectInstanceId)
        => $"meeting-{year}-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{meetingId}\n{projectInstanceId}")))[..32];

    private static readonly TaskOptions SubmitRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(30), 2));

    public override async Task<EvaluationMeetingRecord> RunAsync(TaskOrchestrationContext context, EvaluationMeetingInput input)
    {
        var rules = input.Rules ?? await context.CallActivityAsync<AnnualReviewRules>(nameof(LoadAnnualReviewRulesActivity), WorkflowName);
        var tracker = new ProcessTracker(context, new ProcessKey(WorkflowName, input.Street, input.Community, input.Year, null), rules.Escalation)
        {
            NoticeIdPrefix = $"{input.Year}.", // one execution per year: notice ids stay unique across years
        };
        await AnnualSchedule.WaitForDayAsync(tracker, rules.EvaluationMeetingOn(input.Year), $"{input.Year}年度评议大会", $"Year-end evaluation meeting {input.Year}");

        var found = await context.CallActivityAsync<IReadOnlyList<YearProject>>(nameof(FindYearProjectsActivity), new YearProjectsQuery(input.Street, input.Community, input.Year));
        var due = found.Where(p => p.AwaitsRating).ToList();
        var notReady = found.Where(p => !p.AwaitsRating).ToList();
        var ids = due.Select(p => p.InstanceId).ToList();
        var held = await HumanStep.WaitAsync<EvaluationMeetingHeld, EvaluationMeetingHeld>(tracker,
            new HumanStepSpec(nameof(EvaluationMeetingHeld), $"召开年度评议大会(现场查看并测评{due.Count}个项目)", $"Hold the evaluation meeting (inspect and rate {due.Count} projects)",
                Roles.StreetOffice, DueInWorkingDays: rules.StepWorkingDays),
            h =>
            {
                RequireAtRatingStep(notReady, h.Ratings);
                ProjectEvaluationRatings.Check(ids, h.Ratings);
                return h;
            },
            h => ($"Meeting recorded: {h.Ratings.Count} projects rated; each rating goes to its project.", $"评议结果已受理：测评项目{h.Ratings.Count}个，逐一提交各项目。"));

        // Each rating goes to its project through the submission API, one after another (the project decides it).
        var submissions = held.Ratings.Select(r => (Project: due.Single(p => p.InstanceId == r.ProjectInstanceId), Submission: new ProjectRatingSubmission(r.ProjectInstanceId,
            RatingSubmissionId(context.InstanceId, input.Year, r.ProjectInstanceId), new SatisfactionRated(r.Respondents, r.Satisfied, held.HeldOn)))).ToList();
        var answers = await SubmitUntilAnsweredAsync(tracker, submissions);
        var results = held.Ratings.Select(r =>
        {
            var project = due.Single(p => p.InstanceId == r.ProjectInstanceId);
            var answer = answers[r.ProjectInstanceId];
            return new ProjectRatingResult(project.InstanceId, project.ProjectName, Satisfaction.Rate(r.Satisfied, r.Respondents), r.Inspection, answer.Status, answer.Rule);
        }).ToList();

        int respondents = held.Ratings.Sum(r => r.Respondents), satisfied = held.Ratings.Sum(r => r.Satisfied);
        decimal? overall = respondents == 0 ? null : Satisfaction.Rate(satisfied, respondents);
        await Publicity.RunAsync(tracker, new PublicitySpec($"{input.Year}年度评议大会结果", $"the {input.Year} evaluation meeting's results",
            rules.PublicityWorkingDays, Roles.StreetOffice, rules.ObjectionRulingWorkingDays,
            $"{string.Join(";", results.Select(r => $"“{r.ProjectName}”满意度{r.SatisfactionRate:P1}"))};总体满意度{overall:P1}",
            $"{string.Join("; ", results.Select(r => $"'{r.ProjectName}' {r.SatisfactionRate:P1}"))}; overall {overall:P1}"));
        // An objection to a project's own rating is ruled in that project's publicity; the meeting's list is informative.

        var record = new EvaluationMeetingRecord(input.Year, held.HeldOn, held.Attendees, results, notReady, overall);
        tracker.Step($"{input.Year}年度评议大会结束", $"{input.Year} evaluation meeting closed");
        if (input.LastYear is not { } last || input.Year < last)
        {
            NextYear.ContinueWith(context, AnnualReviewsCatalog.EvaluationMeeting, input with { Year = input.Year + 1, PreviousYear = record });
        }

        return record;
    }

    /// <summary>
    /// A rating for a project of the year that is not at its rating step (still running an earlier step) is refused at
    /// once, naming the project: the meeting never submits a rating the project cannot take, nor records a refusal it
    /// did not give.
    /// </summary>
    private static void RequireAtRatingStep(IReadOnlyList<YearProject> notReady, IReadOnlyList<ProjectRating>? ratings)
    {
        foreach (var r in ratings ?? [])
        {
            if (notReady.FirstOrDefault(p => p.InstanceId == r.ProjectInstanceId) is { } project)
            {
                Rule.Require(false, StateConflictRules.ProjectNotAtRatingStep,
                    $"Project '{project.ProjectName}' ({project.InstanceId}) is not at its satisfaction rating step yet (it was not when the meeting opened): rate it when it is, by its own step.",
                    $"项目“{project.ProjectName}”（{project.InstanceId}）尚未进入满意度测评步骤（评议大会开始时未到该步骤）：请待其到达该步骤后在项目中测评。");
            }
        }
    }

    /// <summary>
    /// Submits each rating until its project answers it. A project that is busy (the submission not decided within the
    /// activity's wait), suspended or unreachable has not answered: the meeting asks it again later with the same
    /// submission id (so the project takes the rating once) instead of recording a refusal nobody gave, and the other
    /// projects are not held up meanwhile. The street office is told once per project that the meeting waits for it.
    /// </summary>
    private static async Task<Dictionary<string, ProjectRatingAnswer>> SubmitUntilAnsweredAsync(
        ProcessTracker tracker, IReadOnlyList<(YearProject Project, ProjectRatingSubmission Submission)> submissions)
    {
        var context = tracker.Context;
        var answers = new Dictionary<string, ProjectRatingAnswer>(StringComparer.Ordinal);
        var unanswered = submissions.ToList();
        var wait = FirstWait;
        for (int round = 1; ; round++)
        {
            var stillWaiting = new List<(YearProject Project, ProjectRatingSubmission Submission, ProjectRatingAnswer? Answer)>();
            foreach (var (project, submission) in unanswered)
            {
                ProjectRatingAnswer? answer;
                try
                {
                    answer = await context.CallActivityAsync<ProjectRatingAnswer>(nameof(SubmitProjectRatingActivity), submission, SubmitRetry);
                }
                catch (TaskFailedException)
                {
                    answer = null; // unreachable for now (the activity's own retries are spent)
                }

                if (answer is { Answered: true })
                {
                    answers[project.InstanceId] = answer;
                }
                else
                {
                    stillWaiting.Add((project, submission, answer));
                }
            }

            if (stillWaiting.Count == 0)
            {
                return answers;
            }

            if (round == 1)
            {
                tracker.Step($"等待{stillWaiting.Count}个项目受理测评结果", $"Waiting for {stillWaiting.Count} project(s) to take their rating");
                foreach (var (project, _, answer) in stillWaiting)
                {
                    (string whyEn, string whyZh) = answer is null ? ("unreachable", "暂时无法送达") : ("busy or suspended", "项目正忙或已暂停");
                    await tracker.NotifyAsync($"Rating.{project.InstanceId}.waiting", NotificationKinds.Escalation, nameof(EvaluationMeetingHeld),
                        "评议结果提交项目", "Rating submitted to its project", Roles.StreetOffice, EscalationLevel.StreetOffice, null,
                        $"项目“{project.ProjectName}”暂未受理评议大会的测评结果（{whyZh}），评议大会将稍后重新提交。",
                        $"Project '{project.ProjectName}' has not taken the meeting's rating yet ({whyEn}); the meeting submits it again later.");
                }
            }

            await context.CreateTimer(context.CurrentUtcDateTime + wait, CancellationToken.None);
            wait = wait * 2 < MaxWait ? wait * 2 : MaxWait;
            unanswered = stillWaiting.Select(w => (w.Project, w.Submission)).ToList();
        }
    }

    private static readonly TimeSpan FirstWait = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan MaxWait = TimeSpan.FromHours(6);
}
