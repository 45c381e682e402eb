using Governance.Durable;
using Governance.Workflows.CommunityProjects;

namespace Governance.Workflows.AnnualReviews;

/// <summary>Input of <see cref="FindYearProjectsActivity"/>.</summary>
public sealed record YearProjectsQuery(string Street, string Community, int Year);

/// <summary>
/// Finds the running community-projects of a community and year by their search tags (the client's query, never a
/// scan of instances). A project awaits its rating when it waits for <see cref="SatisfactionRated"/>.
/// </summary>
public sealed class FindYearProjectsActivity(DurableTaskClient client) : TaskActivity<YearProjectsQuery, IReadOnlyList<YearProject>>
{
    public override async Task<IReadOnlyList<YearProject>> RunAsync(TaskActivityContext context, YearProjectsQuery input)
    {
        var query = new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Running], PageSize: 200, FetchInputsAndOutputs: true)
        {
            Name = nameof(ProjectLifecycleOrchestrator),
            Tags = new Dictionary<string, string> { ["street"] = input.Street, ["community"] = input.Community, ["year"] = input.Year.ToString() },
        };
        var found = new List<YearProject>();
        await foreach (var m in client.GetAllInstancesAsync(query))
        {
            string name = m.ReadInputAs<ProjectLifecycleInput>()?.ProjectName ?? m.InstanceId;
            found.Add(new YearProject(m.InstanceId, name, m.WaitingForEvents.Contains(nameof(SatisfactionRated))));
        }

        return found.OrderBy(p => p.InstanceId, StringComparer.Ordinal).ToList();
    }
}

/// <summary>Input of <see cref="SubmitProjectRatingActivity"/>; <see cref="SubmissionId"/> makes a retry the same submission.</summary>
public sealed record ProjectRatingSubmission(string ProjectInstanceId, string SubmissionId, SatisfactionRated Rating);

/// <summary>
/// How the project's instance answered. <see cref="SubmissionStatus.Pending"/> means it has not answered yet (busy, or
/// suspended): not <see cref="Answered"/>, and asked again later.
/// </summary>
public sealed record ProjectRatingAnswer(SubmissionStatus Status, string? Rule, string? MessageEn)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Answered => Status != SubmissionStatus.Pending;
}

/// <summary>
/// Submits the meeting's rating to the project as its satisfaction step, through the same submission API staff use:
/// the project decides it with its own rules. Idempotent: the submission id is derived from the meeting, year and
/// project, so a retried activity gets the first answer and the project takes the rating once.
/// </summary>
public sealed class SubmitProjectRatingActivity(DurableTaskClient client) : TaskActivity<ProjectRatingSubmission, ProjectRatingAnswer>
{
    public override async Task<ProjectRatingAnswer> RunAsync(TaskActivityContext context, ProjectRatingSubmission input)
    {
        var outcome = await client.WithActor($"evaluation-meeting:{context.InstanceId}").SubmitAsync(input.ProjectInstanceId, nameof(SatisfactionRated), input.Rating,
            new SubmitOptions { SubmissionId = input.SubmissionId, WaitFor = TimeSpan.FromSeconds(30) });
        if (outcome.Status == SubmissionStatus.Pending)
        {
            return new ProjectRatingAnswer(SubmissionStatus.Pending, null, $"{input.ProjectInstanceId} has not decided the rating yet");
        }

        if (outcome.Status == SubmissionStatus.NotAwaited
            && await client.GetInstanceAsync(input.ProjectInstanceId) is { RuntimeStatus: OrchestrationRuntimeStatus.Suspended or OrchestrationRuntimeStatus.Pending } paused)
        {
            // Refused only because the project is paused or not started: it takes the rating once it runs (the same id may be sent again).
            return new ProjectRatingAnswer(SubmissionStatus.Pending, null, $"{input.ProjectInstanceId} is {paused.RuntimeStatus}");
        }

        return new ProjectRatingAnswer(outcome.Status, outcome.Decision?.Rule, outcome.Decision?.MessageEn);
    }
}
