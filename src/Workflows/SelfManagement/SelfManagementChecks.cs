using Governance.Domain;
using Governance.Domain.Elections;

namespace Governance.Workflows.SelfManagement;

/// <summary>The rules each §3 submission must satisfy; a broken one refuses the submission naming its rule (see RuleFields).</summary>
internal static class SelfManagementChecks
{
    public static IReadOnlyList<TalentRecord> TalentFile(TalentSearchCompleted s)
    {
        Rule.Require(s.Talents is { Count: > 0 }, "talent.empty", "The talent file needs at least one person.", "达人档案至少须有一人。");
        Rule.Require(s.Talents!.All(t => !string.IsNullOrWhiteSpace(t.Name) && t.Observations is not null), "talent.record",
            "Every talent needs a name and the four observations.", "每位达人须填写姓名和“四看”情况。");
        Rule.Require(s.ActivitiesHeld >= 0, "talent.activities", "Activities held cannot be negative.", "活动场次不能为负数。");
        return s.Talents;
    }

    public static ConsultationMeetingsHeld Consultation(ConsultationMeetingsHeld m)
    {
        Rule.Require(m.ResidentsForumAttendees > 0 && m.BuildingLeadersAttendees > 0, "consultation.attendees",
            "Both meetings need attendees.", "居民座谈会和楼栋长讨论会均须有参会人员。");
        Rule.RequireText(m.Views, "consultation.views", "The views gathered", "征求到的意见");
        return m;
    }

    public static IReadOnlyList<Nomination> Nominations(NominationsClosed n, int seats)
    {
        Rule.Require(n.Nominations is not null && n.Nominations.All(x => !string.IsNullOrWhiteSpace(x.Name)), "nomination.name",
            "Every nomination needs a name.", "每位拟参选人员须填写姓名。");
        var names = n.Nominations!.Select(x => x.Name.Trim()).Distinct().Count();
        Rule.Require(names > seats, "nomination.tooFew",
            $"{names} people nominated for {seats} seats: a competitive election needs more.", $"拟参选{names}人,应选{seats}名,不足以差额选举。");
        return n.Nominations!;
    }

    /// <summary>The preliminary list: nominees who passed the check and the interview; competitive, or refused.</summary>
    public static CandidateList Preliminary(CandidatesScreened s, IReadOnlyList<Nomination> nominations, int seats)
    {
        Rule.Require(s.Candidates is not null, "screening.missing", "The screening results are required.", "须录入考察面谈结果。");
        var nominated = nominations.Select(n => n.Name.Trim()).ToHashSet(StringComparer.Ordinal);
        var unknown = s.Candidates!.Select(c => c.Name?.Trim() ?? string.Empty).Where(c => !nominated.Contains(c)).ToList();
        Rule.Require(unknown.Count == 0, "screening.unknownNominee",
            $"Not nominated: {string.Join(", ", unknown)}.", $"以下人员未经推荐:{string.Join("、", unknown)}。");
        var missing = nominated.Except(s.Candidates!.Select(c => c.Name.Trim())).ToList();
        Rule.Require(missing.Count == 0, "screening.missing",
            $"Not screened: {string.Join(", ", missing)}.", $"以下人员未录入考察面谈结果:{string.Join("、", missing)}。");
        return new CandidateList(seats, s.Candidates!.Where(c => c.Passes).Select(c => c.Name).ToList());
    }

    public static ConventionDrafted Convention(ConventionDrafted d)
    {
        Rule.RequireText(d.Convention, "convention.text", "The convention", "小区公约");
        Rule.Require(d.CommitteeDuties is { Count: > 0 } && d.CommitteeDuties.All(x => !string.IsNullOrWhiteSpace(x)), "convention.duties",
            "The committee's duties are required.", "须列明自管委员会工作职责。");
        return d;
    }

    public static ConventionMeetingHeld ConventionMeeting(ConventionMeetingHeld m)
    {
        Rule.Require(m.Attendees > 0, "conventionMeeting.attendees", "The meeting needs attendees.", "居民大会须有参会人员。");
        Rule.Require(m.Adopted || !string.IsNullOrWhiteSpace(m.ChangesRequested), "conventionMeeting.changes",
            "A draft sent back needs the changes asked for.", "未通过的公约草案须写明修改意见。");
        return m;
    }

    public static EmpowermentPlanned Empowerment(EmpowermentPlanned e)
    {
        Rule.Require(e.StudyVisits >= 0, "empowerment.studyVisits", "Study visits cannot be negative.", "外出学习次数不能为负数。");
        Rule.RequireText(e.ResidentAffairsSupport, "empowerment.support", "The support with residents' affairs", "居民办事支持");
        Rule.Require((e.FundingApplications ?? []).All(a => !string.IsNullOrWhiteSpace(a.ProjectName) && a.PerProjectCap > 0), "empowerment.fundingApplication",
            "Every funding application needs a project name and a cap above zero.", "项目资金申请须填写项目名称和大于零的资助上限。");
        var names = (e.FundingApplications ?? []).Select(a => a.ProjectName.Trim()).ToList();
        Rule.Require(names.Distinct(StringComparer.Ordinal).Count() == names.Count, "empowerment.fundingApplication",
            "A project is listed twice among the funding applications.", "项目资金申请中有重复的项目。");
        return e;
    }

    public static IReadOnlyList<ReportedProblem> Problems(ProblemsCollected c)
    {
        Rule.Require(c.Problems is not null && c.Problems.All(p => !string.IsNullOrWhiteSpace(p.Title)), "problems.title",
            "Every problem needs a title.", "每个问题须填写标题。");
        Rule.Require(c.Problems!.Select(p => p.Title.Trim()).Distinct().Count() == c.Problems!.Count, "problems.duplicate",
            "A problem is listed twice.", "问题重复。");
        return c.Problems!;
    }

    /// <summary>Every collected problem must be sorted once, with a responsible party and a sensible due date.</summary>
    public static IReadOnlyList<SortedProblem> Sorted(OpenSpaceMeetingHeld m, IReadOnlyList<ReportedProblem> collected)
    {
        Rule.Require(m.Attendees > 0, "openSpace.attendees", "The meeting needs attendees.", "开放空间会议须有参会人员。");
        var sorted = m.Sorted ?? [];
        var titles = collected.Select(p => p.Title.Trim()).ToHashSet(StringComparer.Ordinal);
        var unknown = sorted.Select(s => s.Title?.Trim() ?? string.Empty).Where(t => !titles.Contains(t)).ToList();
        Rule.Require(unknown.Count == 0, "openSpace.unknownProblem", $"Not collected this round: {string.Join(", ", unknown)}.", $"本轮未收集的问题:{string.Join("、", unknown)}。");
        var unsorted = titles.Except(sorted.Select(s => s.Title.Trim())).ToList();
        Rule.Require(unsorted.Count == 0, "openSpace.unsorted", $"Not sorted: {string.Join(", ", unsorted)}.", $"以下问题未分类交办:{string.Join("、", unsorted)}。");
        Rule.Require(sorted.Select(s => s.Title.Trim()).Distinct().Count() == sorted.Count, "openSpace.unsorted", "A problem is sorted twice.", "问题被重复分类。");
        Rule.Require(sorted.All(s => !string.IsNullOrWhiteSpace(s.ResponsibleParty)), "openSpace.responsible",
            "Every problem needs a responsible party.", "每个问题须明确责任方。");
        Rule.Require(sorted.All(s => s.DueInWorkingDays is null or (>= 1 and <= 250)), "openSpace.due",
            "A due date is 1 to 250 working days.", "办理期限须为1至250个工作日。");
        return sorted;
    }

    public static MonthlyAccountsPublished Accounts(MonthlyAccountsPublished a, int month)
    {
        Rule.Require(a.Month == month, "accounts.month", $"This step is for month {month}, not {a.Month}.", $"本步骤为第{month}个月的公示,而非第{a.Month}个月。");
        Rule.Require(a.Income >= 0 && a.Expenses >= 0, "accounts.amount", "Income and expenses cannot be negative.", "收入和支出不能为负数。");
        Rule.Require(a.PointsAwarded >= 0, "accounts.points", "Points cannot be negative.", "积分不能为负数。");
        return a;
    }

    public static AnnualReviewHeld AnnualReview(AnnualReviewHeld r)
    {
        Rule.Require(r.Respondents > 0 && r.Respondents <= r.Households, "annualReview.respondents",
            $"Respondents must be between 1 and the {r.Households} households.", $"参评户数须在1至{r.Households}户之间。");
        Rule.Require(r.Satisfied >= 0 && r.Satisfied <= r.Respondents, "annualReview.satisfied",
            "The satisfied cannot be negative or more than the respondents.", "满意户数不能为负数或多于参评户数。");
        Rule.RequireText(r.Summary, "annualReview.summary", "The review's summary", "评议意见");
        return r;
    }
}
