namespace Governance.Domain.Projects;

/// <summary>
/// A monthly progress report (月度进展报告) of the execution team: what happened, the team meetings (例会) held,
/// residents reached and the cumulative spending.
/// </summary>
public sealed record ProgressReport
{
    public ProgressReport(int reportNumber, string summary, int teamMeetingsHeld, int residentsReached, decimal spentToDate, decimal grantedAmount)
    {
        Rule.Require(reportNumber >= 1, "progress.number", "Report numbers start at 1.", "报告期次从1开始。");
        Summary = Rule.RequireText(summary, "progress.summary", "The progress summary", "进展情况");
        Rule.Require(teamMeetingsHeld >= 0 && residentsReached >= 0, "progress.counts", "Counts cannot be negative.", "次数和人数不能为负数。");
        Rule.Require(spentToDate >= 0, "progress.spent", "Spending cannot be negative.", "支出不能为负数。");
        ReportNumber = reportNumber;
        TeamMeetingsHeld = teamMeetingsHeld;
        ResidentsReached = residentsReached;
        SpentToDate = spentToDate;
        GrantedAmount = grantedAmount;
    }

    public int ReportNumber { get; }
    public string Summary { get; }
    public int TeamMeetingsHeld { get; }
    public int ResidentsReached { get; }
    public decimal SpentToDate { get; }
    public decimal GrantedAmount { get; }

    /// <summary>Spending ahead of the grant is flagged (not refused: the audit decides).</summary>
    public bool OverspendFlagged => SpentToDate > GrantedAmount;
}
