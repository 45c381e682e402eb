namespace Governance.Workflows.Common;

/// <summary>
/// The payload field (JSON path, camelCase) each domain rule checks, so a refused submission names the field the
/// submitter has to correct. The domain rules know their numbers, not the shape of the forms that carry them.
/// </summary>
public static class RuleFields
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.Ordinal)
    {
        ["survey.summary"] = "summary",
        ["survey.respondents"] = "respondentCount",
        ["application.community"] = "community",
        ["application.name"] = "projectName",
        ["application.purpose"] = "purpose",
        ["application.plan"] = "plan",
        ["application.team"] = "implementingTeam",
        ["application.indicators"] = "indicators",
        ["application.budget"] = "budgetLines",
        ["application.overCap"] = "budgetLines",
        ["application.duration"] = "durationMonths",
        ["application.survey"] = "needsSurvey",
        ["application.supportPoll"] = "supportPoll",
        ["support.respondents"] = "respondents",
        ["support.supporters"] = "supporters",
        ["support.overrideReason"] = "overrideReason",
        ["support.overrideNotRequested"] = "override",
        ["review.attendees"] = "attendees",
        ["review.tallies"] = "tallies",
        ["review.votes"] = "tallies",
        ["review.moreVotesThanAttendees"] = "tallies",
        ["review.duplicate"] = "tallies",
        ["review.unknownApplication"] = "tallies",
        ["review.missingApplication"] = "tallies",
        ["review.score"] = "score",
        ["funding.duplicate"] = "grants",
        ["funding.notRanked"] = "grants",
        ["funding.amount"] = "grants",
        ["funding.overRequest"] = "grants",
        ["funding.overBudget"] = "grants",
        ["funding.departureWithoutReason"] = "departureReason",
        ["approval.reason"] = "reason",
        ["approval.amount"] = "grantedAmount",
        ["team.empty"] = "members",
        ["team.memberName"] = "members",
        ["team.duties"] = "members",
        ["team.duplicateMember"] = "members",
        ["team.lead"] = "members",
        ["team.financeLead"] = "members",
        ["team.contractMissing"] = "members",
        ["progress.summary"] = "summary",
        ["progress.counts"] = "teamMeetingsHeld",
        ["progress.spent"] = "spentToDate",
        ["midterm.findings"] = "findings",
        ["completion.executionReport"] = "executionReport",
        ["completion.auditForm"] = "spendingLines",
        ["completion.evaluation"] = "evaluationReport",
        ["finance.lines"] = "spendingLines",
        ["finance.item"] = "spendingLines",
        ["finance.negative"] = "spendingLines",
        ["finance.budgetDoesNotAddUp"] = "totalBudgeted",
        ["finance.spentDoesNotAddUp"] = "totalSpent",
        ["audit.findingsRequired"] = "findings",
        ["audit.passedWithFindings"] = "findings",
        ["audit.finding"] = "findings",
        ["audit.deadline"] = "findings",
        ["rectification.summary"] = "summary",
        ["satisfaction.respondents"] = "respondents",
        ["satisfaction.satisfied"] = "satisfied",
        ["objection.ruling"] = "ruling",
        ["objection.raisedBy"] = "raisedBy",
        ["objection.reason"] = "reason",
    };

    /// <summary>The field a rule checks, or null when the rule is about the submission as a whole.</summary>
    public static string? Of(string ruleCode) => Fields.GetValueOrDefault(ruleCode);
}
