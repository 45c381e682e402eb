namespace Governance.Domain.Evaluation;

/// <summary>
/// The satisfaction rate (满意率/满意度) every process reports the same way: satisfied over respondents, as a fraction
/// rounded to four places (0.9429 is 94.29%), so a project, a work order, a committee's year and a review agree.
/// </summary>
public static class Satisfaction
{
    public static decimal Rate(int satisfied, int respondents)
    {
        Rule.Require(respondents > 0, "satisfaction.respondents", "Nobody was asked.", "无人参与测评。");
        Rule.Require(satisfied >= 0 && satisfied <= respondents, "satisfaction.satisfied",
            $"Satisfied ({satisfied}) must be between 0 and the respondents ({respondents}).", $"满意人数({satisfied})须在0与参评人数({respondents})之间。");
        return Math.Round((decimal)satisfied / respondents, 4);
    }
}
