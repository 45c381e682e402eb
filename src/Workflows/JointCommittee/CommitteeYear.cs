using Governance.Domain.Calendar;
using Governance.Domain.JointCommittee;
using Governance.Durable;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;

namespace Governance.Workflows.JointCommittee;

/// <summary>
/// One year of a joint committee, inside <see cref="JointCommitteeOrchestrator"/>. The regular meetings run quarter
/// after quarter; alongside them, all year: extra sessions, the problems list, work orders, and in the first quarter
/// the member units' resources. Steps that the year's end leaves open (an extra session not yet held, a unit's late
/// resources) are withdrawn with the year; the year ends once the fourth quarter's minutes and the assessment are in.
/// </summary>
internal sealed class CommitteeYear(ProcessTracker tracker, JointCommitteeInput input, JointCommitteeRules rules, MemberUnits members)
{
    /// <summary>Who receives a committee-wide notice (every member unit).</summary>
    public const string MemberUnitsRecipient = "memberUnits";

    /// <summary>The chair of the quarter sets the date and issues the notice.</summary>
    public const string ChairRole = "committeeChair";

    /// <summary>Starting an instance through the client can meet a storage hiccup: try a few times (durable timers between).</summary>
    private static readonly TaskOptions StartRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(15), 2));

    private readonly TaskOrchestrationContext ctx = tracker.Context;
    private readonly PublicityQueue publicity = new();
    private readonly List<RegularMeetingRecord> meetings = [];
    private readonly List<MeetingMinutes> minutes = [];
    private readonly List<ProblemReported> problems = [];
    private readonly Dictionary<string, IReadOnlyList<string>> resources = new(StringComparer.Ordinal);
    private readonly List<LinkedProject> projects = [];
    private int extraSessions;
    // Orders of this year: the previous year may have filed some for it after it ended (its assessment still open).
    private int workOrders = input.PreviousYear is { } previous && previous.Year == input.Year - 1 ? previous.WorkOrdersFiledInNextYear : 0;
    private int workOrdersNextYear;

    public async Task<JointCommitteeYearSummary> RunAsync()
    {
        int year = input.Year;
        DateTime yearStarts = ChinaTime.StartOfDay(new DateOnly(year, 1, 1)).UtcDateTime;
        if (yearStarts > tracker.UtcNow)
        {
            // Started ahead of its year (e.g. in December for the next): the lists and orders open with the year.
            tracker.Step($"等待{year}年度开始", $"Waiting for {year} to begin");
            await ctx.CreateTimer(yearStarts, CancellationToken.None);
        }

        tracker.Step($"{year}年度社区大党委工作", $"Joint committee year {year}");
        using var yearEnds = new CancellationTokenSource();
        var alongside = new[]
        {
            Quietly(CollectResourcesAsync(yearEnds.Token)),
            Quietly(CollectProblemsAsync(yearEnds.Token)),
            Quietly(RunExtraSessionsAsync(yearEnds.Token)),
            Quietly(RaiseWorkOrdersAsync(yearEnds.Token)),
        };

        await RunRegularMeetingsAsync();
        var scores = await AssessAsync();
        await publicity.Last;

        DateTime nextYear = ChinaTime.StartOfDay(new DateOnly(year + 1, 1, 1)).UtcDateTime;
        if (nextYear > tracker.UtcNow)
        {
            tracker.Step($"{year}年度测评已公示,等待新年度", $"Year {year} assessed; waiting for the new year");
            await ctx.CreateTimer(nextYear, CancellationToken.None);
        }

        yearEnds.Cancel();
        await Task.WhenAll(alongside);
        await publicity.Last; // minutes taken while waiting for the new year may have queued a projects list
        return new JointCommitteeYearSummary(year, meetings, extraSessions, problems.Count, resources.Count, projects, workOrders, scores, workOrdersNextYear);
    }

    /// <summary>
    /// The year work taken today is filed under: this year, or the next once this year has ended (1 January) while its
    /// assessment is still open or publicised. Orders and projects then carry the year they arrive in (ids, tags), so the
    /// next year's processes (numbering, the evaluation meeting's search by year) count them, not the year gone.
    /// </summary>
    private int FilingYear => tracker.Today.Year > input.Year ? input.Year + 1 : input.Year;

    /// <summary>The orders filed under <paramref name="filingYear"/> so far: the next year's count on from what the previous year filed for it.</summary>
    private int OrdersFiledIn(int filingYear) => filingYear == input.Year ? workOrders : workOrdersNextYear;

    // ---- Regular meetings (联席会议), one a quarter -------------------------------------------------------------

    private async Task RunRegularMeetingsAsync()
    {
        Task previousMinutes = Task.CompletedTask;
        int rotation = input.ChairRotation;
        foreach (var quarter in Quarter.Of(input.Year))
        {
            string chair = members.ChairAt(rotation++);
            var held = await RunQuarterAsync(quarter, chair);
            if (held is not null)
            {
                // The minutes may come after the quarter ends; the next quarter's meeting is prepared meanwhile.
                previousMinutes = RecordMinutesAsync(held, previousMinutes);
            }
        }

        await previousMinutes;
    }

    private sealed record HeldMeeting(Quarter Quarter, string Chair, DateOnly Date);

    /// <summary>The quarter's meeting up to its day, or null when the quarter ended first (escalated to the street office).</summary>
    private async Task<HeldMeeting?> RunQuarterAsync(Quarter quarter, string chair)
    {
        DateTime starts = ChinaTime.StartOfDay(quarter.Start).UtcDateTime, ends = ChinaTime.EndOfDay(quarter.End).UtcDateTime;
        if (starts > tracker.UtcNow)
        {
            await ctx.CreateTimer(starts, CancellationToken.None);
        }

        if (ends <= tracker.UtcNow)
        {
            meetings.Add(new RegularMeetingRecord(quarter.Number, chair, null, false, false)); // the year began after this quarter
            return null;
        }

        tracker.Step($"第{quarter.Number}季度联席会议(轮值主席:{chair})", $"Q{quarter.Number} joint meeting (chair: {chair})");
        using var withdraw = new CancellationTokenSource();
        using var endTimer = new CancellationTokenSource();
        Task quarterEnds = ctx.CreateTimer(ends, endTimer.Token);
        Task<HeldMeeting> meeting = PrepareMeetingAsync(quarter, chair, withdraw.Token);
        if (await Task.WhenAny(meeting, quarterEnds) == meeting)
        {
            endTimer.Cancel();
            var held = await meeting;
            meetings.Add(new RegularMeetingRecord(quarter.Number, chair, held.Date, true, false));
            return held;
        }

        // 每季度至少召开一次: the quarter ended without its meeting.
        withdraw.Cancel();
        try
        {
            var held = await meeting; // reached its day in the same step as the quarter's end
            meetings.Add(new RegularMeetingRecord(quarter.Number, chair, held.Date, true, false));
            return held;
        }
        catch (OperationCanceledException)
        {
            // withdrawn with the quarter
        }

        meetings.Add(new RegularMeetingRecord(quarter.Number, chair, null, false, false));
        await tracker.NotifyAsync($"{nameof(JointMeetingScheduled)}.Q{quarter.Number}.missed", NotificationKinds.Escalation, nameof(JointMeetingScheduled),
            $"第{quarter.Number}季度联席会议", $"Q{quarter.Number} joint meeting", Roles.StreetOffice, EscalationLevel.StreetOffice, quarter.End,
            $"{input.Community}社区大党委第{quarter.Number}季度未召开联席会议(轮值主席:{chair}),升级至街道办事处。",
            $"{input.Community}'s joint committee held no joint meeting in Q{quarter.Number} (chair: {chair}); escalated to the street office.");
        return null;
    }

    private async Task<HeldMeeting> PrepareMeetingAsync(Quarter quarter, string chair, CancellationToken withdraw)
    {
        var date = await HumanStep.WaitAsync<JointMeetingScheduled, DateOnly>(tracker,
            new HumanStepSpec(nameof(JointMeetingScheduled), $"确定第{quarter.Number}季度联席会议会期(轮值主席:{chair})", $"Set the Q{quarter.Number} joint meeting's date (chair: {chair})",
                ChairRole, DueInWorkingDays: rules.ScheduleWorkingDays),
            s => JointMeeting.CheckDate(s.Date, tracker.Today, rules.NoticeCalendarDays, quarter),
            d => ($"Q{quarter.Number} joint meeting set for {d:yyyy-MM-dd}; notice and agenda due {d.AddDays(-rules.NoticeCalendarDays):yyyy-MM-dd}.",
                $"第{quarter.Number}季度联席会议定于{d:yyyy-MM-dd}召开，会议通知和议程须于{d.AddDays(-rules.NoticeCalendarDays):yyyy-MM-dd}前发出。"),
            withdraw);
        await AnnounceAsync($"Q{quarter.Number}", $"第{quarter.Number}季度联席会议", $"the Q{quarter.Number} joint meeting", date, withdraw, issueNotice: true);
        return new HeldMeeting(quarter, chair, date);
    }

    /// <summary>
    /// The notice and agenda by <c>date − notice days</c> (regular meetings; an extra session's call is its notice),
    /// the reminder to every member unit the day before at 09:00, then the meeting day.
    /// </summary>
    private async Task AnnounceAsync(string key, string whatZh, string whatEn, DateOnly date, CancellationToken withdraw, bool issueNotice)
    {
        if (issueNotice)
        {
            await HumanStep.WaitAsync<JointMeetingNoticeIssued, IReadOnlyList<string>>(tracker,
                new HumanStepSpec(nameof(JointMeetingNoticeIssued), $"发出{whatZh}通知和议程", $"Issue the notice and agenda of {whatEn}", ChairRole,
                    DueOn: date.AddDays(-rules.NoticeCalendarDays)),
                n => JointMeeting.CheckAgenda(n.Agenda), cancellation: withdraw);
        }

        DateTime remindAt = ChinaTime.At(date.AddDays(-1), HumanStep.NoticeTime).UtcDateTime;
        if (remindAt > tracker.UtcNow)
        {
            await ctx.CreateTimer(remindAt, withdraw);
            await tracker.NotifyAsync($"Meeting.{key}.Reminder", NotificationKinds.Reminder, nameof(JointMeetingNoticeIssued), whatZh, whatEn, MemberUnitsRecipient,
                EscalationLevel.None, date, $"提醒:{whatZh}将于明天({date:yyyy-MM-dd})召开。", $"Reminder: {whatEn} is tomorrow ({date:yyyy-MM-dd}).");
        }

        DateTime meetingDay = ChinaTime.StartOfDay(date).UtcDateTime;
        if (meetingDay > tracker.UtcNow)
        {
            tracker.Step($"等待{whatZh}({date:yyyy-MM-dd})", $"Waiting for {whatEn} ({date:yyyy-MM-dd})");
            await ctx.CreateTimer(meetingDay, withdraw);
        }
    }

    private async Task RecordMinutesAsync(HeldMeeting held, Task previousMinutes)
    {
        await previousMinutes; // one minutes step open at a time
        var recorded = await HumanStep.WaitAsync<JointMeetingMinutesRecorded, MeetingMinutes>(tracker,
            new HumanStepSpec(nameof(JointMeetingMinutesRecorded), $"提交第{held.Quarter.Number}季度联席会议纪要", $"Record the Q{held.Quarter.Number} joint meeting's minutes",
                ChairRole, DueInWorkingDays: rules.MinutesWorkingDays, CountFrom: held.Date),
            m => new MeetingMinutes(members, m.AttendingUnits, m.Topics, m.Decisions, m.AssignedTasks, m.MatchedProjects),
            m => Described(m));
        int i = meetings.FindIndex(r => r.Quarter == held.Quarter.Number);
        meetings[i] = meetings[i] with { MinutesRecorded = true };
        TakeMinutes(recorded, $"Q{held.Quarter.Number}");
    }

    private static (string En, string Zh) Described(MeetingMinutes m)
        => ($"Minutes recorded: {m.AttendingUnits.Count} units, {m.Decisions.Count} decisions, {m.AssignedTasks.Count} tasks assigned, {m.MatchedProjects.Count} projects matched.",
            $"会议纪要已受理：出席单位{m.AttendingUnits.Count}个，议定事项{m.Decisions.Count}项，交办任务{m.AssignedTasks.Count}项，匹配项目{m.MatchedProjects.Count}个。");

    /// <summary>Keeps the minutes (tasks count in the assessment); matched projects are publicised, then started.</summary>
    private void TakeMinutes(MeetingMinutes recorded, string meetingKey)
    {
        minutes.Add(recorded);
        if (recorded.MatchedProjects.Count > 0)
        {
            _ = publicity.Enqueue(() => PublishProjectsAsync(recorded.MatchedProjects, meetingKey));
        }
    }

    private async Task<bool> PublishProjectsAsync(IReadOnlyList<MatchedProject> matched, string meetingKey)
    {
        var listed = string.Join(";", matched.Select(p => $"“{p.ProjectName}”({p.LeadUnit}领办)"));
        var posted = await Publicity.RunAsync(tracker, new PublicitySpec($"{meetingKey}项目清单", $"the {meetingKey} projects list", rules.PublicityWorkingDays,
            Roles.Community, rules.ObjectionRulingWorkingDays, listed, $"{matched.Count} project(s) led by member units"));
        if (posted.Upheld)
        {
            // An upheld objection stops the list: none of its projects starts (a later meeting may match them again).
            tracker.Step($"{meetingKey}项目清单异议成立,项目不启动", $"Objection to the {meetingKey} projects list upheld; no project started");
            return false;
        }

        foreach (var p in matched)
        {
            // Each project runs as its own community-project (standalone: survey, application, support poll, review,
            // approval…), linked both ways; its key is the year and its own name (unique across the committee's years,
            // and never another project's id whatever started or failed before it). Matched again later in the year it is
            // the same project: that instance, listed once.
            int filingYear = FilingYear;
            string key = LinkedProjects.KeyFor(filingYear, p.ProjectName);
            try
            {
                var link = await LinkedProjects.StartAsync(tracker, key, new ProjectLifecycleInput(input.Street, input.Community, filingYear,
                    p.ProjectName, PerProjectCap: p.PerProjectCap));
                if (!projects.Any(known => known.InstanceId == link.InstanceId))
                {
                    projects.Add(new LinkedProject(p.ProjectName, p.LeadUnit, link.InstanceId));
                }
            }
            catch (TaskFailedException failed)
            {
                // One project that cannot start must not stop the year (or the other projects).
                await tracker.NotifyAsync($"Project.{key}.notStarted", NotificationKinds.Escalation, nameof(JointMeetingMinutesRecorded), "项目清单", "Projects list",
                    Roles.Community, EscalationLevel.Supervisor, null,
                    $"项目“{p.ProjectName}”未能启动({failed.FailureDetails.ErrorMessage})。", $"Project '{p.ProjectName}' could not be started ({failed.FailureDetails.ErrorMessage}).");
            }
        }

        return true;
    }

    // ---- Extra sessions (临时会议), any time, one at a time -----------------------------------------------------

    private async Task RunExtraSessionsAsync(CancellationToken yearEnds)
    {
        while (true)
        {
            var called = await ctx.WaitForSubmission<ExtraSessionCalled, ExtraSessionCalled>(nameof(ExtraSessionCalled), c =>
            {
                try
                {
                    JointMeeting.CheckDate(c.Date, tracker.Today, rules.NoticeCalendarDays, null);
                    JointMeeting.CheckAgenda(c.Agenda);
                    Governance.Domain.Rule.RequireText(c.Reason, "meeting.reason", "The reason for the extra session", "召开临时会议的事由");
                }
                catch (Governance.Domain.DomainRuleException refused)
                {
                    throw HumanStep.Refusal(refused);
                }

                return SubmissionAcceptance.Of(c, $"Extra session called for {c.Date:yyyy-MM-dd}.", $"临时会议定于{c.Date:yyyy-MM-dd}召开。");
            }, cancellationToken: yearEnds);
            int n = ++extraSessions;
            await AnnounceAsync($"Extra{n}", $"第{n}次临时会议", $"extra session {n}", called.Date, yearEnds, issueNotice: false);
            var recorded = await HumanStep.WaitAsync<ExtraSessionMinutesRecorded, MeetingMinutes>(tracker,
                new HumanStepSpec(nameof(ExtraSessionMinutesRecorded), $"提交第{n}次临时会议纪要", $"Record extra session {n}'s minutes", ChairRole,
                    DueInWorkingDays: rules.MinutesWorkingDays, CountFrom: called.Date),
                m => new MeetingMinutes(members, m.AttendingUnits, m.Topics, m.Decisions, m.AssignedTasks, m.MatchedProjects),
                m => Described(m), yearEnds);
            TakeMinutes(recorded, $"Extra{n}");
        }
    }

    // ---- The four lists (四张清单) ------------------------------------------------------------------------------

    private async Task CollectProblemsAsync(CancellationToken yearEnds)
    {
        while (true)
        {
            var problem = await ctx.WaitForSubmission<ProblemReported, ProblemReported>(nameof(ProblemReported), p =>
            {
                try
                {
                    Governance.Domain.Rule.RequireText(p.Description, "problem.description", "The problem or need", "问题需求");
                }
                catch (Governance.Domain.DomainRuleException refused)
                {
                    throw HumanStep.Refusal(refused);
                }

                return SubmissionAcceptance.Of(p, $"Problem {problems.Count + 1} listed ({p.Source}).", $"已列入问题需求清单第{problems.Count + 1}项。");
            }, cancellationToken: yearEnds);
            problems.Add(problem);
        }
    }

    /// <summary>
    /// Every member unit refreshes its resources list in the first quarter. One open step for all units; reminders
    /// and escalations go to each unit still missing, by name.
    /// </summary>
    private async Task CollectResourcesAsync(CancellationToken yearEnds)
    {
        var q1 = new Quarter(input.Year, 1);
        if (ChinaTime.EndOfDay(q1.End).UtcDateTime <= tracker.UtcNow)
        {
            return; // the year began after its first quarter
        }

        const string eventName = nameof(UnitResourcesUpdated);
        var missing = members.Units.ToList();
        var step = new HumanStepSpec(eventName, "成员单位更新资源清单", "Member units refresh their resources", MemberUnitsRecipient,
            DueOn: q1.End, Escalation: rules.Escalation);
        await HumanStep.CollectAsync<UnitResourcesUpdated, UnitResourcesUpdated>(tracker, step,
            u =>
            {
                string unit = members.Require(u.Unit, "resources.unit", "Unit", "成员单位");
                Governance.Domain.Rule.Require(u.Resources is { Count: > 0 } && u.Resources.All(r => !string.IsNullOrWhiteSpace(r)), "resources.items",
                    "List at least one resource, none blank.", "资源清单至少须有一项，且不能为空。");
                return u with { Unit = unit };
            },
            u => ($"{u.Unit}'s resources listed for {input.Year}.", $"{u.Unit}{input.Year}年度资源清单已更新。"),
            updated =>
            {
                resources[updated.Unit] = updated.Resources;
                missing.Remove(updated.Unit);
                return missing.Count == 0;
            },
            notice => RemindMissingUnitsAsync(step, notice, missing),
            yearEnds);
    }

    /// <summary>Reminders and escalations go to each unit still missing, by name.</summary>
    private async Task RemindMissingUnitsAsync(HumanStepSpec step, StepNotice stepNotice, IReadOnlyList<string> missing)
    {
        var (plan, notice) = (stepNotice.Plan, stepNotice.Notice);
        string eventName = step.EventName, stepZh = step.StepZh, stepEn = step.StepEn;
        if (notice.Kind == NoticeKind.Escalation)
        {
            tracker.Escalate(eventName, notice.Level);
        }

        // A re-planned notice has its own id (the first plan's ids stay as they always were).
        string round = stepNotice.Replans == 0 ? string.Empty : $".r{stepNotice.Replans}";
        foreach (string unit in missing)
        {
            int index = members.Units.ToList().IndexOf(unit);
            bool reminder = notice.Kind == NoticeKind.Reminder;
            await tracker.NotifyAsync($"{eventName}.{index}{round}.{notice.Kind}.{notice.WorkingDaysFromDue}", reminder ? NotificationKinds.Reminder : NotificationKinds.Escalation,
                eventName, stepZh, stepEn, reminder ? unit : HumanStep.RecipientOf(notice.Level, unit), notice.Level, plan.DueDate,
                reminder ? $"提醒:{unit}须于{plan.DueDate:yyyy-MM-dd}前更新{input.Year}年度资源清单。"
                    : $"逾期{notice.WorkingDaysFromDue}个工作日,升级至{notice.Level.ToChinese()}:{unit}未更新{input.Year}年度资源清单(应于{plan.DueDate:yyyy-MM-dd}完成)。",
                reminder ? $"Reminder: {unit} is to refresh its {input.Year} resources list by {plan.DueDate:yyyy-MM-dd}."
                    : $"Overdue by {notice.WorkingDaysFromDue} working days, escalated to {notice.Level.ToEnglish()}: {unit} has not refreshed its {input.Year} resources list (due {plan.DueDate:yyyy-MM-dd}).");
        }
    }

    // ---- Whistle and dispatch (吹哨、报到、制单、抢单) -------------------------------------------------------------

    /// <summary>
    /// Each raised order becomes its own instance (deterministic id, linked back by tag): the committee records only
    /// the submission and the start, never the order's claim, reminders or completion.
    /// </summary>
    private async Task RaiseWorkOrdersAsync(CancellationToken yearEnds)
    {
        Task<FiledOrder> WaitForNext() => ctx.WaitForSubmission<WorkOrderRaised, FiledOrder>(nameof(WorkOrderRaised), o =>
        {
            try
            {
                WorkOrderRules.CheckRaised(o.Title, o.Deadline, tracker.Today);
            }
            catch (Governance.Domain.DomainRuleException refused)
            {
                throw HumanStep.Refusal(refused);
            }

            int filingYear = FilingYear, number = OrdersFiledIn(filingYear) + 1;
            string id = WorkOrderOrchestrator.InstanceIdFor(ctx.InstanceId, filingYear, number);
            return SubmissionAcceptance.Of(new FiledOrder(o, filingYear, number), $"Work order {number} of {filingYear} raised as {id}.", $"{filingYear}年第{number}号工单已发出（{id}）。");
        }, cancellationToken: yearEnds);

        Task<FiledOrder> next = WaitForNext();
        while (true)
        {
            var (order, filingYear, number) = await next;
            if (filingYear == input.Year)
            {
                workOrders++;
            }
            else
            {
                workOrdersNextYear++;
            }

            next = WaitForNext(); // the next order is taken while this one starts
            string id = WorkOrderOrchestrator.InstanceIdFor(ctx.InstanceId, filingYear, number);
            try
            {
                await ctx.CallActivityAsync<string>(nameof(StartWorkOrderActivity), new StartWorkOrderRequest(id,
                    new WorkOrderInput(ctx.InstanceId, input.Street, input.Community, filingYear, number, order, members.Units, tracker.Today, rules)), StartRetry);
            }
            catch (TaskFailedException failed)
            {
                // The order was taken but its instance could not be started: say so, and keep taking orders.
                await tracker.NotifyAsync($"{nameof(WorkOrderRaised)}.{(filingYear == input.Year ? string.Empty : $"{filingYear}-")}{number}.notStarted", NotificationKinds.Escalation, nameof(WorkOrderRaised), "吹哨派单", "Raise a work order",
                    Roles.Community, EscalationLevel.Supervisor, order.Deadline,
                    $"第{number}号工单“{order.Title}”未能启动({failed.FailureDetails.ErrorMessage}),请重新派单。",
                    $"Work order {number} '{order.Title}' could not be started ({failed.FailureDetails.ErrorMessage}); raise it again.");
            }
        }
    }

    /// <summary>A taken order with the year it is filed under and its number in that year.</summary>
    private sealed record FiledOrder(WorkOrderRaised Order, int Year, int Number);

    // ---- Year-end assessment (年底测评) -----------------------------------------------------------------------

    private async Task<IReadOnlyList<UnitScore>> AssessAsync()
    {
        // The assessment opens on 1 December (or once the fourth quarter's minutes are in, if later), so the tasks of
        // every meeting of the year, extra sessions included, count.
        DateTime opens = ChinaTime.StartOfDay(new DateOnly(input.Year, 12, 1)).UtcDateTime;
        if (opens > tracker.UtcNow)
        {
            tracker.Step($"{input.Year}年底测评定于12月开展", $"Year-end assessment {input.Year} opens in December");
            await ctx.CreateTimer(opens, CancellationToken.None);
        }

        var assigned = minutes.SelectMany(m => m.AssignedTasks).GroupBy(t => t.Unit).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var due = new DateOnly(input.Year, 12, Math.Min(rules.AssessmentDueDayOfDecember, 31));
        var assessed = await RedoOnObjection.RunAsync(
            () => HumanStep.WaitAsync<YearEndAssessed, IReadOnlyList<UnitScore>>(tracker,
                due >= tracker.Today
                    ? new HumanStepSpec(nameof(YearEndAssessed), $"{input.Year}年底测评", $"Year-end assessment {input.Year}", Roles.StreetOffice, DueOn: due)
                    : new HumanStepSpec(nameof(YearEndAssessed), $"{input.Year}年底测评", $"Year-end assessment {input.Year}", Roles.StreetOffice,
                        DueInWorkingDays: rules.MinutesWorkingDays),
                a => UnitAssessment.Score(members, assigned, a.Ratings, rules.TaskCompletionWeight),
                s => ($"Assessment recorded: {string.Join(", ", s.Select(u => $"{u.Unit} {u.Score}"))}.", $"测评结果已受理：{string.Join("，", s.Select(u => $"{u.Unit}{u.Score}分"))}。")),
            scores => publicity.Enqueue(() => Publicity.RunAsync(tracker, new PublicitySpec($"{input.Year}年度成员单位测评结果", $"the {input.Year} member units' assessment",
                rules.PublicityWorkingDays, Roles.StreetOffice, rules.ObjectionRulingWorkingDays,
                string.Join(";", scores.Select(s => $"{s.Unit}:完成交办任务{s.TasksCompleted}/{s.TasksAssigned},得分{s.Score}")),
                string.Join("; ", scores.Select(s => $"{s.Unit}: {s.TasksCompleted}/{s.TasksAssigned} tasks, score {s.Score}"))))));
        return assessed.Result;
    }

    /// <summary>A loop the year's end cancels: its cancellation is the normal end.</summary>
    private static async Task Quietly(Task loop)
    {
        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
