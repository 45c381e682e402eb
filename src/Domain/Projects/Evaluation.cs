using Governance.Domain.Evaluation;

namespace Governance.Domain.Projects;

/// <summary>Residents' satisfaction (满意度) rated at the year-end evaluation meeting (年度评议大会).</summary>
public sealed record SatisfactionRating
{
    public SatisfactionRating(int respondents, int satisfied)
    {
        Rule.Require(respondents > 0, "satisfaction.respondents", "Nobody rated the project.", "无人参与满意度测评。");
        Rule.Require(satisfied >= 0 && satisfied <= respondents, "satisfaction.satisfied",
            $"Satisfied residents ({satisfied}) must be between 0 and the respondents ({respondents}).",
            $"满意人数({satisfied})必须在0与参评人数({respondents})之间。");
        Respondents = respondents;
        Satisfied = satisfied;
    }

    public int Respondents { get; }
    public int Satisfied { get; }

    public decimal Rate => Satisfaction.Rate(Satisfied, Respondents);
}

/// <summary>
/// A single review of a project outside a funding round: a score out of 100 that must reach the configured
/// threshold (reaching it exactly passes).
/// </summary>
public sealed record StandaloneReview
{
    public StandaloneReview(decimal score, decimal threshold)
    {
        Rule.Require(score is >= 0 and <= 100, "review.score", $"Score {score} must be within 0–100.", $"评审得分{score}必须在0到100之间。");
        Rule.Require(threshold is > 0 and <= 100, "review.threshold", $"Threshold {threshold} must be within 0–100.", $"评审通过分数线{threshold}必须在0到100之间。");
        Score = score;
        Threshold = threshold;
    }

    public decimal Score { get; }
    public decimal Threshold { get; }
    public bool Passed => Score >= Threshold;
}
