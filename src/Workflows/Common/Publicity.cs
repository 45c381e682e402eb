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
            plan.DueDate, plan.DueAt, (int)EscalationLevel.None, EscalationLevel.None.ToEnglish(), HumanStep.StepToken(ObjectionEvent, occurrence)));
        await tracker.NotifyAsync($"Publicity.{occurrence}.posted", NotificationKinds.PublicityPosted, ObjectionEvent, stepZh, stepEn, Roles.Public,
            EscalationLevel.None, plan.DueDate,
            $"公示{spec.SubjectZh}({spec.WorkingDays}个工作日,至{plan.DueDate:yyyy-MM-dd}):{spec.SummaryZh}",
            $"Publicity of {spec.SubjectEn} ({spec.WorkingDays} working days, until {plan.DueDate:yyyy-MM-dd}): {spec.SummaryEn}");

        var objections = new List<ObjectionRecord>();
        using var periodCancellation = new CancellationTokenSource();
        Task periodEnds = ctx.CreateTimer(plan.DueAt.UtcDateTime, periodCancellation.Token);
        while (true)
        {
            using var objectionCancellation = new CancellationTokenSource();
            Task<Objection> objectionTask = ctx.WaitForSubmission<Objection>(ObjectionEvent, ValidateObjection,
                new SubmissionWaitOptions { StepToken = HumanStep.StepToken(ObjectionEvent, occurrence) }, objectionCancellation.Token);
            Task winner = await Task.WhenAny(objectionTask, periodEnds);
            if (winner == periodEnds || periodEnds.IsCompleted)
            {
                objectionCancellation.Cancel(); // objections after the period are not ours
                tracker.Close(ObjectionEvent);
                await tracker.NotifyAsync($"Publicity.{occurrence}.ended", NotificationKinds.PublicityEnded, ObjectionEvent, stepZh, stepEn, Roles.Public,
                    EscalationLevel.None, plan.DueDate,
                    $"{spec.SubjectZh}公示期满,异议{objections.Count}件,均未成立。", $"Publicity of {spec.SubjectEn} ended; {objections.Count} objection(s), none upheld.");
                return new PublicityOutcome(postedOn, plan.DueDate, false, objections);
            }

            Objection objection = await objectionTask;
            int n = objections.Count + 1;
            await tracker.NotifyAsync($"Publicity.{occurrence}.objection.{n}", NotificationKinds.ObjectionRaised, RulingEvent, stepZh, stepEn, spec.RulingRole,
                EscalationLevel.None, plan.DueDate,
                $"收到对{spec.SubjectZh}的异议({objection.RaisedBy}):{objection.Reason}", $"Objection to {spec.SubjectEn} by {objection.RaisedBy}: {objection.Reason}");
            ObjectionRuled ruling = await HumanStep.WaitAsync<ObjectionRuled, ObjectionRuled>(tracker,
                new HumanStepSpec(RulingEvent, $"裁定异议:{spec.SubjectZh}", $"Rule on objection: {spec.SubjectEn}", spec.RulingRole, DueInWorkingDays: spec.RulingWorkingDays),
                r =>
                {
                    Rule.RequireText(r.Ruling, "objection.ruling", "The ruling's reasoning", "异议处理意见");
                    return r;
                });
            objections.Add(new ObjectionRecord(objection, ruling));
            await tracker.NotifyAsync($"Publicity.{occurrence}.ruling.{n}", NotificationKinds.ObjectionRuled, RulingEvent, stepZh, stepEn, Roles.Public,
                EscalationLevel.None, plan.DueDate,
                $"异议{(ruling.Upheld ? "成立" : "不成立")}({ruling.RuledBy}):{ruling.Ruling}", $"Objection {(ruling.Upheld ? "upheld" : "dismissed")} by {ruling.RuledBy}: {ruling.Ruling}");
            if (ruling.Upheld)
            {
                periodCancellation.Cancel();
                tracker.Close(ObjectionEvent);
                return new PublicityOutcome(postedOn, plan.DueDate, true, objections);
            }

            tracker.Step(stepZh, stepEn);
        }
    }
}
