namespace Governance.Domain.Projects;

/// <summary>How residents' needs were collected (需求调查).</summary>
public enum SurveyMethod
{
    Questionnaire,

    /// <summary>敲门行动: door-knocking.</summary>
    DoorKnocking,

    /// <summary>开放空间: open-space meeting.</summary>
    OpenSpaceMeeting,

    Forum,
}

/// <summary>The result of a needs survey: what residents need and how many were asked.</summary>
public sealed record NeedsSurveyResult
{
    public NeedsSurveyResult(string summary, int respondentCount, IReadOnlyList<SurveyMethod>? methods = null)
    {
        Summary = Rule.RequireText(summary, "survey.summary", "The needs summary", "需求调查结论");
        Rule.Require(respondentCount > 0, "survey.respondents",
            "A needs survey must have at least one respondent.", "需求调查的受访人数必须大于零。");
        RespondentCount = respondentCount;
        Methods = methods ?? [];
    }

    public string Summary { get; }
    public int RespondentCount { get; }
    public IReadOnlyList<SurveyMethod> Methods { get; }
}
