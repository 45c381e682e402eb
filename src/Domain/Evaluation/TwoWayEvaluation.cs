namespace Governance.Domain.Evaluation;

/// <summary>One rating in the two-way evaluation (政社互动双向评估): who or what is rated, a score 0–100, remarks.</summary>
public sealed record EvaluationScore(string Subject, decimal Score, string? Remarks = null);

/// <summary>A resident satisfaction survey (群众满意度测评): households asked, respondents, satisfied.</summary>
public sealed record SatisfactionSurvey
{
    public SatisfactionSurvey(int householdsInvited, int respondents, int satisfied)
    {
        Rule.Require(householdsInvited > 0, "residentSurvey.invited", "The survey must invite at least one household.", "测评须至少邀请一户居民。");
        Rule.Require(respondents > 0 && respondents <= householdsInvited, "residentSurvey.respondents",
            $"Respondents ({respondents}) must be between 1 and the households invited ({householdsInvited}).", $"参与户数({respondents})须在1与邀请户数({householdsInvited})之间。");
        Rule.Require(satisfied >= 0 && satisfied <= respondents, "residentSurvey.satisfied",
            $"Satisfied ({satisfied}) must be between 0 and the respondents ({respondents}).", $"满意户数({satisfied})须在0与参与户数({respondents})之间。");
        HouseholdsInvited = householdsInvited;
        Respondents = respondents;
        Satisfied = satisfied;
    }

    public int HouseholdsInvited { get; }
    public int Respondents { get; }
    public int Satisfied { get; }

    /// <summary>参与率, e.g. 49.35% in Taicang's 2011 survey.</summary>
    public decimal ParticipationRate => Math.Round((decimal)Respondents / HouseholdsInvited, 4);

    public decimal SatisfactionRate => Satisfaction.Rate(Satisfied, Respondents);
}

/// <summary>Checks a set of ratings against the subjects that must be rated: each exactly once, scores 0–100.</summary>
public static class EvaluationRules
{
    public static IReadOnlyList<EvaluationScore> CheckScores(IReadOnlyList<string> subjects, IReadOnlyList<EvaluationScore>? scores, string code, string whatEn, string whatZh)
    {
        scores ??= [];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in scores)
        {
            string subject = Rule.RequireText(s.Subject, code, whatEn, whatZh);
            Rule.Require(subjects.Contains(subject, StringComparer.Ordinal), code, $"{whatEn} '{subject}' is not under evaluation.", $"{whatZh}“{subject}”不在评估范围内。");
            Rule.Require(seen.Add(subject), code, $"{whatEn} '{subject}' is rated twice.", $"{whatZh}“{subject}”被重复评分。");
            Rule.Require(s.Score is >= 0 and <= 100, code, $"The score of '{subject}' ({s.Score}) must be within 0–100.", $"“{subject}”的得分({s.Score})须在0到100之间。");
        }

        var missing = subjects.Where(s => !seen.Contains(s)).ToList();
        Rule.Require(missing.Count == 0, code, $"Every {whatEn.ToLowerInvariant()} is rated; missing: {string.Join(", ", missing)}.", $"每个{whatZh}都须评分，缺少：{string.Join("、", missing)}。");
        return scores;
    }
}
