using Governance.Domain.Elections;
using Governance.Workflows.Common;

namespace Governance.Workflows.SelfManagement;

/// <summary>
/// Steps 1–3 of §3: find the able (选达人), build the organisation (建组织, 两会三荐四问一选) and set the convention
/// (定公约). Each step is a submission checked by <see cref="SelfManagementChecks"/>.
/// </summary>
internal static class CommitteeSetup
{
    /// <summary>1. 四引 groups invited, 四看 observed: the talent file.</summary>
    public static Task<IReadOnlyList<TalentRecord>> FindTalentAsync(ProcessTracker tracker, SelfManagementRules rules)
        => HumanStep.WaitAsync<TalentSearchCompleted, IReadOnlyList<TalentRecord>>(tracker,
            Step(nameof(TalentSearchCompleted), "选达人:建立小区达人档案(四引四看)", "Find the able: build the talent file", SelfManagementRoles.Community, rules.StepWorkingDays),
            SelfManagementChecks.TalentFile,
            t => ($"Talent file with {t.Count} people.", $"达人档案{t.Count}人。"));

    /// <summary>
    /// 2. The two meetings, nominations through the three channels, background check and four-question interview,
    /// the preliminary list's publicity (an upheld objection repeats the screening), the election assembly and the
    /// result's publicity (an upheld objection repeats the election).
    /// </summary>
    public static async Task<ElectionOutcome> OrganiseAsync(ProcessTracker tracker, SelfManagementRules rules, int seats)
    {
        await HumanStep.WaitAsync<ConsultationMeetingsHeld, ConsultationMeetingsHeld>(tracker,
            Step(nameof(ConsultationMeetingsHeld), "两会:居民座谈会与楼栋长讨论会", "Two meetings: residents' forum and building leaders' discussion",
                SelfManagementRoles.Community, rules.StepWorkingDays),
            SelfManagementChecks.Consultation);

        var nominations = await HumanStep.WaitAsync<NominationsClosed, IReadOnlyList<Nomination>>(tracker,
            Step(nameof(NominationsClosed), "三荐:党组织推荐、居民联荐、自荐", "Three channels: nominations by the Party organisation, residents jointly, self",
                SelfManagementRoles.PartyOrganisation, rules.StepWorkingDays),
            n => SelfManagementChecks.Nominations(n, seats),
            n => ($"{n.Count} nominations.", $"征集拟参选人员{n.Count}名。"));

        var candidates = (await RedoOnObjection.RunAsync(tracker,
            () => HumanStep.WaitAsync<CandidatesScreened, CandidateList>(tracker,
                Step(nameof(CandidatesScreened), "四问:无违法犯罪记录考察与面谈,确定初步人选", "Background check and four-question interview: the preliminary list",
                    SelfManagementRoles.PartyOrganisation, rules.StepWorkingDays),
                s => SelfManagementChecks.Preliminary(s, nominations, seats),
                c => ($"Preliminary list: {string.Join(", ", c.Names)} for {c.Seats} seats.", $"初步人选:{string.Join("、", c.Names)}(应选{c.Seats}名)。")),
            candidates => new PublicitySpec("自管委员会初步人选", "the committee's preliminary candidates",
                rules.PublicityWorkingDays, SelfManagementRoles.PartyOrganisation, rules.ObjectionRulingWorkingDays,
                $"{string.Join("、", candidates.Names)}(应选{candidates.Seats}名)", $"{candidates.Names.Count} candidates for {candidates.Seats} seats"))).Result;

        return (await RedoOnObjection.RunAsync(tracker,
            () => ElectionSteps.RunAsync(tracker, rules.Election, candidates),
            outcome => new PublicitySpec("自管委员会选举结果", "the committee election's result",
                rules.PublicityWorkingDays, Roles.StreetOffice, rules.ObjectionRulingWorkingDays,
                $"当选:{string.Join("、", outcome.Elected)}{(outcome.VacantSeats > 0 ? $";空缺{outcome.VacantSeats}名" : "")}",
                $"Elected: {string.Join(", ", outcome.Elected)}{(outcome.VacantSeats > 0 ? $"; {outcome.VacantSeats} seat(s) vacant" : "")}"))).Result;
    }

    /// <summary>3. Draft, the all-residents meeting (sent back until adopted), publicity online and offline.</summary>
    public static async Task<string> SetConventionAsync(ProcessTracker tracker, SelfManagementRules rules)
    {
        var adopted = await RedoOnObjection.RunAsync(tracker,
            async () =>
            {
                while (true)
                {
                    var draft = await HumanStep.WaitAsync<ConventionDrafted, ConventionDrafted>(tracker,
                        Step(nameof(ConventionDrafted), "定公约:起草小区公约和自管委员会职责", "Draft the estate convention and the committee's duties",
                            SelfManagementRoles.EstateCommittee, rules.StepWorkingDays),
                        SelfManagementChecks.Convention);
                    var meeting = await HumanStep.WaitAsync<ConventionMeetingHeld, ConventionMeetingHeld>(tracker,
                        Step(nameof(ConventionMeetingHeld), "全体居民大会讨论公约", "All-residents meeting on the convention", SelfManagementRoles.Community, rules.StepWorkingDays),
                        SelfManagementChecks.ConventionMeeting,
                        m => m.Adopted ? ("Convention adopted.", "公约通过。") : ("Draft sent back: " + m.ChangesRequested, "草案退回修改:" + m.ChangesRequested));
                    if (meeting.Adopted)
                    {
                        return draft;
                    }
                }
            },
            draft => new PublicitySpec("小区公约(线上线下)", "the estate convention (online and offline)",
                rules.PublicityWorkingDays, SelfManagementRoles.Community, rules.ObjectionRulingWorkingDays,
                draft.Convention, $"Convention and {draft.CommitteeDuties.Count} committee duties"));
        return adopted.Result.Convention;
    }

    internal static HumanStepSpec Step(string eventName, string zh, string en, string role, int workingDays)
        => new(eventName, zh, en, role, DueInWorkingDays: workingDays);
}
