namespace Governance.Domain.Evaluation;

/// <summary>
/// The year-end evaluation meeting's (年度评议大会) rating of one project: the on-site inspection (现场查看) and the
/// satisfaction vote (满意度测评).
/// </summary>
public sealed record ProjectRating(string ProjectInstanceId, string Inspection, int Respondents, int Satisfied);

/// <summary>The meeting rates every project of its community and year exactly once, and no other.</summary>
public static class ProjectEvaluationRatings
{
    public static IReadOnlyList<ProjectRating> Check(IReadOnlyCollection<string> projects, IReadOnlyList<ProjectRating>? ratings)
    {
        ratings ??= [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in ratings)
        {
            Rule.Require(projects.Contains(r.ProjectInstanceId), "meeting.ratings", $"Project '{r.ProjectInstanceId}' is not one of this meeting's projects.", $"项目“{r.ProjectInstanceId}”不属于本次评议。");
            Rule.Require(seen.Add(r.ProjectInstanceId), "meeting.ratings", $"Project '{r.ProjectInstanceId}' is rated twice.", $"项目“{r.ProjectInstanceId}”被重复评议。");
            Rule.RequireText(r.Inspection, "meeting.inspection", "The on-site inspection's findings", "现场查看意见");
            Rule.Require(r.Respondents > 0 && r.Satisfied >= 0 && r.Satisfied <= r.Respondents, "meeting.satisfaction",
                $"Project '{r.ProjectInstanceId}': satisfied ({r.Satisfied}) must be between 0 and the respondents ({r.Respondents}), who are at least one.",
                $"项目“{r.ProjectInstanceId}”：满意人数({r.Satisfied})须在0与参评人数({r.Respondents})之间，参评人数至少为1。");
        }

        var missing = projects.Where(p => !seen.Contains(p)).ToList();
        Rule.Require(missing.Count == 0, "meeting.ratings", $"Every project is rated; missing: {string.Join(", ", missing)}.", $"每个项目都须评议，缺少：{string.Join("、", missing)}。");
        return ratings;
    }
}
