using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Workflows.Catalog;

namespace Governance.Workflows.Common;

/// <summary>Event: anyone objects to a result under publicity (异议).</summary>
public sealed record Objection(string RaisedBy, string Reason);

/// <summary>Event: the responsible body rules on the objection; upheld sends the process back to the step that produced the result.</summary>
public sealed record ObjectionRuled(bool Upheld, string Ruling, string RuledBy);

/// <summary>An objection and its ruling, as recorded.</summary>
public sealed record ObjectionRecord(Objection Objection, ObjectionRuled Ruling);

/// <summary>What is posted (公示), for how long, and who rules on objections.</summary>
public sealed record PublicitySpec(string SubjectZh, string SubjectEn, int WorkingDays, string RulingRole, int RulingWorkingDays, string SummaryZh, string SummaryEn);

/// <summary>How a publicity period ended: passed, or an objection was upheld.</summary>
public sealed record PublicityOutcome(DateOnly PostedOn, DateOnly EndsOn, bool Upheld, IReadOnlyList<ObjectionRecord> Objections);

/// <summary>
/// Publicity (公示): post a result for N working days; an <see cref="Objection"/> during the period opens a ruling step
/// (<see cref="ObjectionRuled"/>, with reminders and escalation). Upheld → returns at once so the caller redoes the
/// step that produced the result; dismissed → the period goes on. The period does not end while a ruling is pending.
/// </summary>
public static class Publicity
{
    public const string ObjectionEvent = nameof(Objection);
    public const string RulingEvent = nameof(ObjectionRuled);

    private static void ValidateObjection(Objection objection)
    {
        try
        {
            Rule.RequireText(objection.RaisedBy, "objection.raisedBy", "Who objects", "异议人");
            Rule.RequireText(objection.Reason, "objection.reason", "The objection's reason", "异议理由");
        }
        catch (DomainRuleException refused)
        {
            throw HumanStep.Refusal(refused);
        }
    }

    public static async Task<PublicityOutcome> RunAsync(ProcessTracker tracker, PublicitySpec spec)
    {
        var ctx = tracker.Context;
        int occurrence = tracker.NextOccurrence("Publicity");
        var plan = await ctx.CallActivityAsync<HumanStepPlan>(nameof(PlanHumanStepActivity),
            new PlanHumanStepRequest(tracker.Today, spec.WorkingDays, null, null));
        string stepZh = $"公示:{spec.SubjectZh}", stepEn = $"Publicity: {spec.SubjectEn}";
        DateOnly postedOn = tracker.Today;
        tracker.Step(stepZh, stepEn);
        tracker.Open(new OpenStep(ObjectionEvent, $"对{spec.SubjectZh}提出异议", $"Object to {spec.SubjectEn}", Roles.Public,
            plan.DueDate, plan.DueAt, (int)EscalationLevel.None, EscalationLevel.None.ToEnglish(), HumanStep.StepToken(ObjectionEvent, occurrence), plan.Provisional));
        await tracker.NotifyAsync($"Publicity.{occurrence}.posted", NotificationKinds.PublicityPosted, ObjectionEvent, stepZh, stepEn, Roles.Public,
            EscalationLevel.None, plan.DueDate,
            $"公示{spec.SubjectZh}({spec.WorkingDays}个工作日,至{plan.DueDate:yyyy-MM-dd}{plan.Provisional?.SuffixZh}):{spec.SummaryZh}",
            $"Publicity of {spec.SubjectEn} ({spec.WorkingDays} working days, until {plan.DueDate:yyyy-MM-dd}{plan.Provisional?.SuffixEn}): {spec.SummaryEn}");

        var objections = new List<ObjectionRecord>();
        var unruled = new Queue<(int Number, Objection Objection)>();
        int received = 0;
        bool periodOpen = true;
        using var periodCancellation = new CancellationTokenSource();
        using var objectionCancellation = new CancellationTokenSource();
        Task periodEnds = ctx.CreateTimer(plan.DueAt.UtcDateTime, periodCancellation.Token);

        // One objection wait stays open for the whole period, also while a ruling runs, so nobody is turned away;
        // objections are ruled on one after another.
        Task<Objection> WaitForObjection() => ctx.WaitForSubmission<Objection>(ObjectionEvent, ValidateObjection,
            new SubmissionWaitOptions { StepToken = HumanStep.StepToken(ObjectionEvent, occurrence) }, objectionCancellation.Token);
        Task<Objection> nextObjection = WaitForObjection();

        async Task TakeObjectionAsync()
        {
            var objection = await nextObjection;
            nextObjection = WaitForObjection();
            unruled.Enqueue((++received, objection));
            await tracker.NotifyAsync($"Publicity.{occurrence}.objection.{received}", NotificationKinds.ObjectionRaised, RulingEvent, stepZh, stepEn, spec.RulingRole,
                EscalationLevel.None, plan.DueDate,
                $"收到对{spec.SubjectZh}的异议({objection.RaisedBy}):{objection.Reason}", $"Objection to {spec.SubjectEn} by {objection.RaisedBy}: {objection.Reason}");
        }

        void CloseObjections()
        {
            periodOpen = false;
            objectionCancellation.Cancel(); // objections after the period are not ours
            tracker.Close(ObjectionEvent);
        }

        while (true)
        {
            if (unruled.Count == 0)
            {
                if (periodOpen && await Task.WhenAny(nextObjection, periodEnds) == nextObjection)
                {
                    await TakeObjectionAsync();
                    continue;
                }

                if (periodOpen)
                {
                    CloseObjections();
                }

                await tracker.NotifyAsync($"Publicity.{occurrence}.ended", NotificationKinds.PublicityEnded, ObjectionEvent, stepZh, stepEn, Roles.Public,
                    EscalationLevel.None, plan.DueDate,
                    $"{spec.SubjectZh}公示期满,异议{objections.Count}件,均未成立。", $"Publicity of {spec.SubjectEn} ended; {objections.Count} objection(s), none upheld.");
                return new PublicityOutcome(postedOn, plan.DueDate, false, objections);
            }

            var (n, current) = unruled.Dequeue();
            Task<ObjectionRuled> rulingTask = HumanStep.WaitAsync<ObjectionRuled, ObjectionRuled>(tracker,
                new HumanStepSpec(RulingEvent, $"裁定异议:{spec.SubjectZh}", $"Rule on objection: {spec.SubjectEn}", spec.RulingRole, DueInWorkingDays: spec.RulingWorkingDays),
                r =>
                {
                    Rule.RequireText(r.Ruling, "objection.ruling", "The ruling's reasoning", "异议处理意见");
                    return r;
                });

            // The period does not end while a ruling is pending, but objections made before its end still count.
            while (!rulingTask.IsCompleted)
            {
                Task winner = periodOpen ? await Task.WhenAny(rulingTask, nextObjection, periodEnds) : await Task.WhenAny(rulingTask);
                if (winner == nextObjection)
                {
                    await TakeObjectionAsync();
                }
                else if (winner == periodEnds)
                {
                    CloseObjections();
                }
            }

            ObjectionRuled ruling = await rulingTask;
            objections.Add(new ObjectionRecord(current, ruling));
            await tracker.NotifyAsync($"Publicity.{occurrence}.ruling.{n}", NotificationKinds.ObjectionRuled, RulingEvent, stepZh, stepEn, Roles.Public,
                EscalationLevel.None, plan.DueDate,
                $"异议{(ruling.Upheld ? "成立" : "不成立")}({ruling.RuledBy}):{ruling.Ruling}", $"Objection {(ruling.Upheld ? "upheld" : "dismissed")} by {ruling.RuledBy}: {ruling.Ruling}");
            if (ruling.Upheld)
            {
                periodCancellation.Cancel();
                if (periodOpen)
                {
                    CloseObjections();
                }

                if (unruled.Count > 0)
                {
                    // Objections still waiting concern a result that will be redone and published again.
                    await tracker.NotifyAsync($"Publicity.{occurrence}.moot", NotificationKinds.ObjectionRuled, RulingEvent, stepZh, stepEn, Roles.Public,
                        EscalationLevel.None, plan.DueDate,
                        $"另有{unruled.Count}件异议因结果将重新作出并再次公示而不再单独裁定。", $"{unruled.Count} further objection(s) are moot: the result will be redone and published again.");
                }

                return new PublicityOutcome(postedOn, plan.DueDate, true, objections);
            }

            tracker.Step(stepZh, stepEn);
        }
    }
}
