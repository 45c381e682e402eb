using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Domain.Elections;

namespace Governance.Workflows.Common;

/// <summary>
/// Event: the election assembly was held and the secret ballot counted (first round). <see cref="Households"/> are
/// the voting units (an estate's households; an organisation's members for a board election). Only turnout and
/// tallies are entered, never who voted for whom.
/// </summary>
public sealed record ElectionAssemblyHeld(DateOnly HeldOn, int Households, int Attendees, int BallotsCast, IReadOnlyList<CandidateVotes> Votes)
{
    public BallotTally Tally => new(Households, Attendees, BallotsCast, Votes ?? []);
}

/// <summary>Event: a run-off for unfilled seats (or between candidates tied at the last seat) was held and counted.</summary>
public sealed record RunOffHeld(DateOnly HeldOn, int Households, int Attendees, int BallotsCast, IReadOnlyList<CandidateVotes> Votes)
{
    public BallotTally Tally => new(Households, Attendees, BallotsCast, Votes ?? []);
}

/// <summary>
/// What is elected, by whom the assembly is run, and the working days for the assembly and a rescheduled one.
/// <see cref="Electors"/>, when known (a board's members entitled to vote), is the only number of voting units a tally may give.
/// </summary>
public sealed record ElectionSpec(string BodyZh, string BodyEn, string ResponsibleRole, int AssemblyWorkingDays, int RescheduledWorkingDays, int RunOffWorkingDays,
    int? Electors = null);

/// <summary>An election's result as kept in history and output: the elected, vacant seats and every round's count.</summary>
public sealed record ElectionOutcome(IReadOnlyList<string> Elected, int VacantSeats, int QuorumFailures, IReadOnlyList<RoundResult> Rounds);

/// <summary>
/// Runs an election (Domain/Elections) as human steps: the assembly's count is a submission, refused at once when the
/// tally is impossible. A missed quorum reschedules the assembly (the second miss in a row also escalates to the
/// street office); unfilled seats and ties at the last seat go to run-offs until every seat is filled or vacant.
/// </summary>
public static class ElectionSteps
{
    public const string AssemblyEvent = nameof(ElectionAssemblyHeld);
    public const string RunOffEvent = nameof(RunOffHeld);

    public static async Task<ElectionOutcome> RunAsync(ProcessTracker tracker, ElectionSpec spec, CandidateList candidates)
    {
        var election = new Election(candidates);
        int quorumFailures = 0;
        while (!election.IsDecided)
        {
            bool runOff = election.NextKind == RoundKind.RunOff;
            bool rescheduled = election.QuorumFailuresInARow > 0;
            string standing = string.Join("、", election.Standing);
            int days = rescheduled ? spec.RescheduledWorkingDays : runOff ? spec.RunOffWorkingDays : spec.AssemblyWorkingDays;
            string zh = runOff
                ? $"{spec.BodyZh}另行选举({election.OpenSeats}个职数,候选人:{standing}){(rescheduled ? "(重新召开)" : "")}"
                : $"召开{spec.BodyZh}选举大会{(rescheduled ? $"(第{election.QuorumFailuresInARow + 1}次召开)" : "")}";
            string en = runOff
                ? $"Run-off for {spec.BodyEn} ({election.OpenSeats} seat(s)){(rescheduled ? " (called again)" : "")}"
                : $"Hold the {spec.BodyEn} election assembly{(rescheduled ? $" (attempt {election.QuorumFailuresInARow + 1})" : "")}";
            var step = new HumanStepSpec(runOff ? RunOffEvent : AssemblyEvent, zh, en, spec.ResponsibleRole, DueInWorkingDays: days);
            RoundResult round = runOff
                ? await HumanStep.WaitAsync<RunOffHeld, RoundResult>(tracker, step, held => Count(spec, election, held.Tally), Describe)
                : await HumanStep.WaitAsync<ElectionAssemblyHeld, RoundResult>(tracker, step, held => Count(spec, election, held.Tally), Describe);
            election.Apply(round);
            if (!round.QuorumMet)
            {
                quorumFailures++;
                await OnQuorumMissedAsync(tracker, spec, step, round, election.QuorumFailuresInARow);
            }
        }

        return new ElectionOutcome(election.Elected, election.VacantSeats, quorumFailures, election.Rounds);
    }

    private static RoundResult Count(ElectionSpec spec, Election election, BallotTally tally)
    {
        Rule.Require(spec.Electors is not { } electors || tally.Households == electors, "election.electors",
            $"This election has {spec.Electors} voting members, not {tally.Households}.", $"本次选举有表决权的成员为{spec.Electors}人,而非{tally.Households}人。");
        return election.Count(tally);
    }

    private static (string En, string Zh) Describe(RoundResult r)
    {
        if (!r.QuorumMet)
        {
            return ($"Quorum missed: {r.BallotsCast} of {r.Households} households voted, {r.RequiredBallots} needed. The assembly will be called again.",
                $"未达法定人数:{r.Households}户中{r.BallotsCast}户投票,至少需{r.RequiredBallots}户。将重新召开。");
        }

        string elected = r.Elected.Count == 0 ? "nobody" : string.Join(", ", r.Elected);
        string electedZh = r.Elected.Count == 0 ? "无" : string.Join("、", r.Elected);
        string next = r.NeedsRunOff ? $" Run-off for {r.UnfilledSeats} seat(s) among {string.Join(", ", r.RunOffCandidates)}." : string.Empty;
        string nextZh = r.NeedsRunOff ? $"另行选举{r.UnfilledSeats}名,候选人:{string.Join("、", r.RunOffCandidates)}。" : string.Empty;
        return ($"Counted: elected {elected}.{next}", $"计票完毕:当选{electedZh}。{nextZh}");
    }

    private static async Task OnQuorumMissedAsync(ProcessTracker tracker, ElectionSpec spec, HumanStepSpec step, RoundResult round, int inARow)
    {
        var action = QuorumFailurePolicy.After(inARow);
        bool escalate = action == QuorumFailureAction.RescheduleAndEscalate;
        var level = escalate ? EscalationLevel.StreetOffice : EscalationLevel.None;
        // Numbered by the run's occurrence counter: an election held again in the same execution (an upheld objection to its
        // result) must not overwrite the first one's notices in the outbox.
        await tracker.NotifyAsync($"{step.EventName}.quorum.{tracker.NextOccurrence(step.EventName + ".quorum")}", escalate ? NotificationKinds.Escalation : NotificationKinds.QuorumMissed,
            step.EventName, step.StepZh, step.StepEn, escalate ? Roles.StreetOffice : spec.ResponsibleRole, level, null,
            $"{spec.BodyZh}选举未达法定人数({round.BallotsCast}/{round.Households}户,需{round.RequiredBallots}户),{(escalate ? $"已连续{inARow}次,报街道办事处;" : "")}将重新召开。",
            $"The {spec.BodyEn} election missed its quorum ({round.BallotsCast}/{round.Households} households, {round.RequiredBallots} needed){(escalate ? $"; {inARow} times in a row, reported to the street office" : "")}; the assembly will be called again.");
    }
}
