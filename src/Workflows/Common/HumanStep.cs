using Governance.Domain;
using Governance.Domain.Calendar;
using Governance.Durable;
using Governance.Workflows.Catalog;
using Microsoft.Extensions.Logging;

namespace Governance.Workflows.Common;

/// <summary>
/// A human step: the event that carries its result, who is responsible, and when it is due: either
/// <see cref="DueInWorkingDays"/> after today or on <see cref="DueOn"/> (moved to the next working day if off).
/// <see cref="Escalation"/> null uses the process default. <see cref="CountFrom"/> replaces "today" as the day the
/// working days are counted from (e.g. a monthly report due 5 working days after the month ends).
/// </summary>
public sealed record HumanStepSpec(
    string EventName,
    string StepZh,
    string StepEn,
    string ResponsibleRole,
    int? DueInWorkingDays = null,
    DateOnly? DueOn = null,
    EscalationOffsets? Escalation = null,
    DateOnly? CountFrom = null);

/// <summary>Input of <see cref="PlanHumanStepActivity"/>.</summary>
public sealed record PlanHumanStepRequest(DateOnly From, int? DueInWorkingDays, DateOnly? DueOn, EscalationOffsets? Escalation);

/// <summary>
/// A step's due date and its dated reminders and escalations, computed once and kept in history.
/// <see cref="MissingCalendarYears"/>: years the dates were counted in without a holiday notice (provisional).
/// </summary>
public sealed record HumanStepPlan(DateOnly DueDate, DateTimeOffset DueAt, IReadOnlyList<ScheduledNotice> Notices, IReadOnlyList<int> MissingCalendarYears)
{
    /// <summary>The provisional marker to show with the due date, or null when every year involved has its notice.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ProvisionalDueDate? Provisional => ProvisionalDueDate.For(MissingCalendarYears);
}

/// <summary>
/// Computes due dates with the working-day calendar. It is an activity, not orchestrator code, because the calendar
/// is configuration that may change (next year's holidays are added each autumn) while instances are running:
/// the result recorded in history keeps replay deterministic.
/// </summary>
public sealed class PlanHumanStepActivity(WorkingDayCalendar calendar, ILogger<PlanHumanStepActivity> logger) : TaskActivity<PlanHumanStepRequest, HumanStepPlan>
{
    public override Task<HumanStepPlan> RunAsync(TaskActivityContext context, PlanHumanStepRequest input)
    {
        var plan = Plan(calendar, input);
        if (plan.Provisional is { } provisional)
        {
            logger.LogWarning("Instance {InstanceId}: due date {DueDate:yyyy-MM-dd} is {Provisional}.", context.InstanceId, plan.DueDate, provisional.Note);
        }

        return Task.FromResult(plan);
    }

    public static HumanStepPlan Plan(WorkingDayCalendar calendar, PlanHumanStepRequest input)
    {
        DateOnly due = input.DueOn is { } on
            ? calendar.NextWorkingDayOnOrAfter(on)
            : calendar.AddWorkingDays(input.From, input.DueInWorkingDays ?? throw new ArgumentException("A step needs DueInWorkingDays or DueOn."));
        var notices = input.Escalation is null ? [] : ReminderSchedule.For(due, input.Escalation.ToPolicy(), calendar);
        DateOnly last = notices.Count > 0 ? notices[^1].Date : due;
        return new HumanStepPlan(due, ChinaTime.EndOfDay(due), notices, calendar.MissingYears(input.From, last).ToList());
    }
}

/// <summary>
/// Waits for a human step with reminders before its due date and escalation after it (community → supervisor →
/// street office → district). The step is a submission (see <see cref="TaskOrchestrationContext.WaitForSubmission{TPayload, TResult}"/>):
/// it is decided inside the instance's step, so a submission that breaks a domain rule is refused at once with the
/// rule, the field and the reason (the step stays open with the same schedule), and nothing is taken while the step
/// is not open. Every notice is an activity call (in history) writing to the outbox, and the open step in the custom
/// status carries its occurrence token and escalation level (the staff inbox).
/// </summary>
public static class HumanStep
{
    /// <summary>Notices go out at 09:00 China time on their working day.</summary>
    public static readonly TimeOnly NoticeTime = new(9, 0);

    public static Task<T> WaitAsync<T>(ProcessTracker tracker, HumanStepSpec spec)
        => WaitAsync<T, T>(tracker, spec, payload => payload);

    /// <summary>
    /// Waits for <see cref="HumanStepSpec.EventName"/> and returns <paramref name="accept"/>'s result; when
    /// <paramref name="accept"/> throws <see cref="DomainRuleException"/> the submission is refused and the wait goes on.
    /// <paramref name="describe"/> gives the one-line outcome the submitter reads (English, Chinese).
    /// <paramref name="cancellation"/> withdraws the step (e.g. its quarter ended): it closes, its notices stop and the
    /// task ends as cancelled.
    /// </summary>
    public static async Task<TResult> WaitAsync<T, TResult>(ProcessTracker tracker, HumanStepSpec spec, Func<T, TResult> accept,
        Func<TResult, (string En, string Zh)>? describe = null, CancellationToken cancellation = default)
    {
        TResult taken = default!;
        await OpenAsync(tracker, spec, accept, describe, result =>
        {
            taken = result;
            return true;
        }, sendNotice: null, isCurrentStep: true, cancellation);
        return taken;
    }

    /// <summary>
    /// One open step that takes several submissions (e.g. one from each member unit) with the same plan, notices and
    /// re-plans as <see cref="WaitAsync{T, TResult}(ProcessTracker, HumanStepSpec, Func{T, TResult}, Func{TResult, (string En, string Zh)}?, CancellationToken)"/>:
    /// each accepted submission goes to <paramref name="take"/>, and the step closes once it answers true.
    /// <paramref name="sendNotice"/> sends the step's reminders and escalations (e.g. to each unit still missing); the
    /// step runs alongside the process's current step, so it is listed as open without becoming the current step.
    /// </summary>
    public static Task CollectAsync<T, TResult>(ProcessTracker tracker, HumanStepSpec spec, Func<T, TResult> accept, Func<TResult, (string En, string Zh)>? describe,
        Func<TResult, bool> take, Func<StepNotice, Task> sendNotice, CancellationToken cancellation = default)
        => OpenAsync(tracker, spec, accept, describe, take, sendNotice, isCurrentStep: false, cancellation);

    private static async Task OpenAsync<T, TResult>(ProcessTracker tracker, HumanStepSpec spec, Func<T, TResult> accept, Func<TResult, (string En, string Zh)>? describe,
        Func<TResult, bool> take, Func<StepNotice, Task>? sendNotice, bool isCurrentStep, CancellationToken cancellation)
    {
        var ctx = tracker.Context;
        int occurrence = tracker.NextOccurrence(spec.EventName);
        var request = new PlanHumanStepRequest(spec.CountFrom ?? tracker.Today, spec.DueInWorkingDays, spec.DueOn, spec.Escalation ?? tracker.Escalation);
        var plan = await ctx.CallActivityAsync<HumanStepPlan>(nameof(PlanHumanStepActivity), request);
        string token = StepToken(spec.EventName, occurrence);
        if (isCurrentStep)
        {
            tracker.Step(spec.StepZh, spec.StepEn);
        }

        tracker.Open(new OpenStep(spec.EventName, spec.StepZh, spec.StepEn, spec.ResponsibleRole, plan.DueDate, plan.DueAt,
            (int)EscalationLevel.None, EscalationLevel.None.ToEnglish(), token, plan.Provisional));

        // Notices whose time has passed (e.g. a due date given in the past) are skipped rather than sent in a burst.
        var pending = new Queue<ScheduledNotice>(plan.Notices.Where(n => NoticeUtc(n) > tracker.UtcNow));
        Task<TResult> WaitForSubmission() => ctx.WaitForSubmission<T, TResult>(spec.EventName,
            payload => Accept(spec, accept, describe, payload), new SubmissionWaitOptions { StepToken = token }, cancellation);
        Task<TResult> submitted = WaitForSubmission();
        using var calendarWatch = new CalendarWatch(ctx, token);
        Task<CalendarChanged>? calendarChanged = calendarWatch.WaitIfProvisional(plan);
        int replans = 0;
        while (true)
        {
            using var timerCancellation = new CancellationTokenSource();
            Task? timer = pending.Count > 0 ? ctx.CreateTimer(NoticeUtc(pending.Peek()), timerCancellation.Token) : null;
            Task winner = await Task.WhenAny(new Task?[] { submitted, timer, calendarChanged }.OfType<Task>());
            if (winner == submitted)
            {
                timerCancellation.Cancel(); // the losing timer must not keep the instance alive
                if (submitted.IsCompletedSuccessfully && !take(submitted.Result))
                {
                    submitted = WaitForSubmission(); // more submissions are due: the step stays open, same plan
                    continue;
                }

                calendarWatch.Cancel();
                tracker.Close(spec.EventName);
                await submitted; // throws when the step was withdrawn
                return;
            }

            if (winner == calendarChanged)
            {
                // A holiday notice this plan depended on is loaded: plan again (an activity, so replay sees the same plan).
                timerCancellation.Cancel(); // the loop opens the next notice's timer again
                var changed = await calendarChanged;
                if (!changed.Years.Intersect(plan.MissingCalendarYears).Any())
                {
                    // Nothing this plan depends on (e.g. a repeated notice): keep the plan.
                    calendarChanged = calendarWatch.WaitIfProvisional(plan);
                    continue;
                }

                replans++;
                var previous = plan;
                plan = await ctx.CallActivityAsync<HumanStepPlan>(nameof(PlanHumanStepActivity), request);
                tracker.Replan(spec.EventName, plan.DueDate, plan.DueAt, plan.Provisional);
                await NotifyReplannedAsync(tracker, spec, $"{spec.EventName}.{occurrence}.replanned.{replans}", previous, plan);
                pending = new Queue<ScheduledNotice>(plan.Notices.Where(n => NoticeUtc(n) > tracker.UtcNow));
                calendarChanged = calendarWatch.WaitIfProvisional(plan);
                continue;
            }

            var notice = new StepNotice(plan, pending.Dequeue(), occurrence, replans);
            await (sendNotice?.Invoke(notice) ?? SendNoticeAsync(tracker, spec, notice));
        }
    }

    /// <summary>The token of one occurrence of a step, e.g. <c>ProgressReported#2</c>: a submission naming it can only be taken by that occurrence.</summary>
    public static string StepToken(string eventName, int occurrence) => $"{eventName}#{occurrence}";

    /// <summary>Runs a step's domain rules on a submission: a broken rule becomes a refusal naming the rule and the payload field.</summary>
    public static SubmissionAcceptance<TResult> Accept<T, TResult>(HumanStepSpec spec, Func<T, TResult> accept, Func<TResult, (string En, string Zh)>? describe, T payload)
    {
        TResult result;
        try
        {
            result = accept(payload);
        }
        catch (DomainRuleException refused)
        {
            throw Refusal(refused);
        }

        var (en, zh) = describe?.Invoke(result) ?? ($"Accepted: {spec.StepEn}.", $"已受理：{spec.StepZh}。");
        return SubmissionAcceptance.Of(result, en, zh);
    }

    /// <param name="within">The payload property holding the checked part (e.g. <c>supportPoll</c> inside an application), prefixed to the field.</param>
    public static SubmissionRejectedException Refusal(DomainRuleException refused, string? within = null)
        => new(refused.Code, RuleFields.Of(refused.Code) is { } field && within is not null ? $"{within}.{field}" : RuleFields.Of(refused.Code),
            refused.MessageEn, refused.MessageZh);

    private static Task NotifyReplannedAsync(ProcessTracker tracker, HumanStepSpec spec, string noticeId, HumanStepPlan previous, HumanStepPlan plan)
    {
        var loaded = previous.MissingCalendarYears.Except(plan.MissingCalendarYears).Order().ToList();
        string yearsEn = loaded.Count == 0 ? "a holiday calendar change" : $"the {string.Join(" and ", loaded)} holiday notice{(loaded.Count > 1 ? "s" : string.Empty)}";
        string yearsZh = loaded.Count == 0 ? "节假日安排变化" : $"{string.Join("、", loaded.Select(y => $"{y}年"))}节假日安排通知";
        string stillEn = plan.Provisional?.SuffixEn ?? string.Empty, stillZh = plan.Provisional?.SuffixZh ?? string.Empty;
        (string zh, string en) = plan.DueDate == previous.DueDate
            ? ($"“{spec.StepZh}”期限经{yearsZh}确认为{plan.DueDate:yyyy-MM-dd}{stillZh}。",
               $"Due date of '{spec.StepEn}' stays {plan.DueDate:yyyy-MM-dd}{stillEn} after {yearsEn}.")
            : ($"“{spec.StepZh}”期限因{yearsZh}由{previous.DueDate:yyyy-MM-dd}调整为{plan.DueDate:yyyy-MM-dd}{stillZh}。",
               $"Due date of '{spec.StepEn}' moved from {previous.DueDate:yyyy-MM-dd} to {plan.DueDate:yyyy-MM-dd}{stillEn} after {yearsEn}.");
        return tracker.NotifyAsync(noticeId, NotificationKinds.DueDateReplanned, spec.EventName, spec.StepZh, spec.StepEn, spec.ResponsibleRole,
            EscalationLevel.None, plan.DueDate, zh, en);
    }

    private static async Task SendNoticeAsync(ProcessTracker tracker, HumanStepSpec spec, StepNotice stepNotice)
    {
        var (plan, notice) = (stepNotice.Plan, stepNotice.Notice);
        string id = $"{spec.EventName}.{stepNotice.Round}.{notice.Kind}.{notice.WorkingDaysFromDue}";
        DateOnly due = plan.DueDate;
        string zh = plan.Provisional?.SuffixZh ?? string.Empty, en = plan.Provisional?.SuffixEn ?? string.Empty;
        if (notice.Kind == NoticeKind.Reminder)
        {
            await tracker.NotifyAsync(id, NotificationKinds.Reminder, spec.EventName, spec.StepZh, spec.StepEn, spec.ResponsibleRole,
                EscalationLevel.None, due,
                $"提醒:“{spec.StepZh}”将于{due:yyyy-MM-dd}{zh}到期。", $"Reminder: '{spec.StepEn}' is due on {due:yyyy-MM-dd}{en}.");
            return;
        }

        tracker.Escalate(spec.EventName, notice.Level);
        await tracker.NotifyAsync(id, NotificationKinds.Escalation, spec.EventName, spec.StepZh, spec.StepEn, RecipientOf(notice.Level, spec.ResponsibleRole),
            notice.Level, due,
            $"逾期{notice.WorkingDaysFromDue}个工作日,升级至{notice.Level.ToChinese()}:“{spec.StepZh}”应于{due:yyyy-MM-dd}{zh}完成(责任方:{spec.ResponsibleRole})。",
            $"Overdue by {notice.WorkingDaysFromDue} working days, escalated to {notice.Level.ToEnglish()}: '{spec.StepEn}' was due on {due:yyyy-MM-dd}{en} (responsible: {spec.ResponsibleRole}).");
    }

    /// <summary>Who receives an escalation: the responsible role's supervisor, then the street office, then the district.</summary>
    public static string RecipientOf(EscalationLevel level, string responsibleRole) => level switch
    {
        EscalationLevel.Supervisor => responsibleRole + ".supervisor",
        EscalationLevel.StreetOffice => Roles.StreetOffice,
        EscalationLevel.District => Roles.District,
        _ => responsibleRole,
    };

    internal static DateTime NoticeUtc(ScheduledNotice notice) => ChinaTime.At(notice.Date, NoticeTime).UtcDateTime;
}

/// <summary>
/// A reminder or escalation of an open step, due now under <see cref="Plan"/> (the step's plan after <see cref="Replans"/> re-plans).
/// </summary>
public sealed record StepNotice(HumanStepPlan Plan, ScheduledNotice Notice, int Occurrence, int Replans)
{
    /// <summary>The step's occurrence, plus ".r{n}" after its n-th re-plan, so a re-planned notice has its own id.</summary>
    public string Round => Replans == 0 ? $"{Occurrence}" : $"{Occurrence}.r{Replans}";
}

/// <summary>
/// A step's wait for <see cref="CalendarChanged"/>, only while its plan is provisional; cancelled when the step closes
/// so a finished step does not keep waiting for it.
/// </summary>
internal sealed class CalendarWatch(TaskOrchestrationContext context, string stepToken) : IDisposable
{
    private CancellationTokenSource? cancellation;

    public Task<CalendarChanged>? WaitIfProvisional(HumanStepPlan plan)
    {
        Cancel();
        if (plan.Provisional is null)
        {
            return null;
        }

        cancellation = new CancellationTokenSource();
        return context.WaitForExternalEvent<CalendarChanged>(CalendarChanged.EventNameFor(stepToken), cancellation.Token);
    }

    public void Cancel()
    {
        cancellation?.Cancel();
        cancellation?.Dispose();
        cancellation = null;
    }

    public void Dispose() => Cancel();
}

/// <summary>Responsible roles named in the catalog (who submits which event).</summary>
public static class Roles
{
    public const string Community = "community";
    public const string StreetOffice = "streetOffice";
    public const string LeadershipGroup = "leadershipGroup";
    public const string OversightGroup = "oversightGroup";
    public const string District = "district";

    /// <summary>Anyone may object during publicity.</summary>
    public const string Public = "public";
}
