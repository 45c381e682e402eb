namespace Governance.Domain.JointCommittee;

/// <summary>What the year-end assessment (年底测评) records for one member unit.</summary>
public sealed record UnitRating(string Unit, int TasksCompleted, decimal Rating, string? Comment = null);

/// <summary>A member unit's score: completion of its assigned tasks and the assessors' rating.</summary>
public sealed record UnitScore(string Unit, int TasksAssigned, int TasksCompleted, decimal Rating, decimal Score);

/// <summary>
/// Scores every member unit on the tasks the joint meetings assigned to it: <c>completionWeight</c> × completion
/// (completed / assigned, or 1 with nothing assigned) × 100 + the rest × the rating (0–100). Every member unit is
/// rated exactly once; nobody completes more tasks than were assigned.
/// </summary>
public static class UnitAssessment
{
    public static IReadOnlyList<UnitScore> Score(MemberUnits members, IReadOnlyDictionary<string, int> assigned, IReadOnlyList<UnitRating>? ratings, decimal completionWeight)
    {
        Rule.Require(completionWeight is >= 0 and <= 1, "assessment.weight", "The completion weight must be within 0–1.", "任务完成权重须在0到1之间。");
        ratings ??= [];
        var byUnit = new Dictionary<string, UnitRating>(StringComparer.Ordinal);
        foreach (var r in ratings)
        {
            string unit = members.Require(r.Unit, "assessment.unit", "Rated unit", "测评单位");
            Rule.Require(byUnit.TryAdd(unit, r), "assessment.unit", $"Unit '{unit}' is rated twice.", $"成员单位“{unit}”被重复测评。");
        }

        var missing = members.Units.Where(u => !byUnit.ContainsKey(u)).ToList();
        Rule.Require(missing.Count == 0, "assessment.unit", $"Every member unit is rated; missing: {string.Join(", ", missing)}.", $"每个成员单位都须测评，缺少：{string.Join("、", missing)}。");
        return members.Units.Select(unit =>
        {
            var r = byUnit[unit];
            int tasks = assigned.GetValueOrDefault(unit);
            Rule.Require(r.TasksCompleted >= 0 && r.TasksCompleted <= tasks, "assessment.tasksCompleted",
                $"{unit} completed {r.TasksCompleted} tasks but was assigned {tasks}.", $"{unit}完成任务{r.TasksCompleted}项，但交办任务仅{tasks}项。");
            Rule.Require(r.Rating is >= 0 and <= 100, "assessment.rating", $"{unit}'s rating {r.Rating} must be within 0–100.", $"{unit}的测评分{r.Rating}须在0到100之间。");
            decimal completion = tasks == 0 ? 1m : (decimal)r.TasksCompleted / tasks;
            decimal score = Math.Round(completionWeight * completion * 100m + (1 - completionWeight) * r.Rating, 1);
            return new UnitScore(unit, tasks, r.TasksCompleted, r.Rating, score);
        }).ToList();
    }
}
