using Governance.Domain.Calendar;
using Governance.Domain.Evaluation;
using Governance.Domain.JointCommittee;
using Governance.Domain.Projects;
using Governance.Workflows.AnnualReviews;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;

namespace Governance.Workflows.JointCommittee;

/// <summary>
/// Demo modelled on 浏河社区's joint Party committee (荆门市东宝区, seed 001): member units of the "1+1+N" committee,
/// door-knocking for the problems list, every unit's resources (the property company's late and escalated), joint
/// meetings with the rotating chair (the third quarter's is missed and escalated to the street office), an extra
/// session before the flood season, two projects matched at meetings and led by member units (a canteen for the
/// elderly, an after-school class), a handful of work orders (one claimed late, one done after its deadline), the
/// year-end assessment, and the year-end evaluation meeting rating both projects. It runs the whole next calendar
/// year, so it takes about as many real seconds as simulated days until that year ends.
/// </summary>
public sealed class LiuheJointCommitteeDemo(TimeProvider clock) : IDemoScenario
{
    private const string Street = "东宝区泉口街道";
    private const string Community = "浏河社区";

    private static readonly string[] Units = ["浏河社区党委", "东宝区住建局党支部", "泉口派出所党支部", "浏河小学党支部", "物业公司党支部"];

    public string Name => "liuhe-joint-committee-year";

    public TimeSpan Timeout => TimeSpan.FromMinutes(30);

    private DateOnly Today => ChinaTime.Today(clock);

    public async Task RunAsync(IDemoDriver driver, CancellationToken ct)
    {
        int year = Today.Year + 1;
        driver.Say($"{Community}社区大党委({string.Join("、", Units)})开始{year}年度工作;轮值主席按季度轮换。");
        string committee = await driver.StartAsync(JointCommitteeOrchestrator.WorkflowName,
            new JointCommitteeInput(Street, Community, year, Units, LastYear: year), null, ct);
        string meeting = await driver.StartAsync(EvaluationMeetingOrchestrator.WorkflowName, new EvaluationMeetingInput(Street, Community, year, LastYear: year), null, ct);
        string[] projects = [LinkedProjects.InstanceId(committee, LinkedProjects.KeyFor(year, "幸福里食堂助餐服务")),
            LinkedProjects.InstanceId(committee, LinkedProjects.KeyFor(year, "四点半课堂"))];

        await Task.WhenAll(
            RunCommitteeAsync(driver, committee, year, ct),
            RunWorkOrdersAsync(driver, committee, year, ct),
            RunProjectAsync(driver, projects[0], "幸福里食堂助餐服务", 30_000m, 10, ct),
            RunProjectAsync(driver, projects[1], "四点半课堂", 15_000m, 7, ct),
            RunEvaluationMeetingAsync(driver, meeting, projects, ct));
        await driver.WaitForCompletionAsync(committee, ct);
    }

    private async Task RunCommitteeAsync(IDemoDriver driver, string id, int year, CancellationToken ct)
    {
        await driver.WaitForStepAsync(id, nameof(UnitResourcesUpdated), ct);
        driver.Say("开展“敲门行动”,收集居民问题和需求;成员单位梳理资源清单(物业公司迟报)。");
        foreach (var (description, source) in new[]
        {
            ("老旧小区停车难", ProblemSource.DoorKnocking), ("独居老人吃饭难", ProblemSource.DoorKnocking), ("双职工家庭孩子放学无人看护", ProblemSource.ResidentVisit),
        })
        {
            await driver.SubmitAsync(id, nameof(ProblemReported), new ProblemReported(description, source, "网格党支部"), ct);
        }

        string[][] resources = [["党群服务中心活动室"], ["老旧小区改造政策"], ["夜间巡逻警力"], ["课后托管教室", "志愿教师8名"]];
        for (int i = 0; i < 4; i++)
        {
            await driver.SubmitAsync(id, nameof(UnitResourcesUpdated), new UnitResourcesUpdated(Units[i], resources[i]), ct);
        }

        // The property company lists its resources only in April, after its reminders and escalations.
        var lateUnit = LateResourcesAsync(driver, id, new DateOnly(year, 4, 3), ct);
        foreach (int quarter in new[] { 1, 2, 4 })
        {
            await UntilAsync(new Quarter(year, quarter).Start, ct);
            string token = HumanStep.StepToken(nameof(JointMeetingScheduled), quarter);
            await driver.WaitForStepAsync(id, nameof(JointMeetingScheduled), ct);
            string chair = Units[quarter - 1];
            var date = Today.AddDays(14);
            driver.Say($"第{quarter}季度:轮值主席{chair}确定联席会议于{date:yyyy-MM-dd}召开。");
            await driver.SubmitAsync(id, nameof(JointMeetingScheduled), new JointMeetingScheduled(date, chair), ct, token);
            await driver.WaitForStepAsync(id, nameof(JointMeetingNoticeIssued), ct);
            await driver.SubmitAsync(id, nameof(JointMeetingNoticeIssued), new JointMeetingNoticeIssued(Agenda(quarter), chair), ct);
            await driver.WaitForStepAsync(id, nameof(JointMeetingMinutesRecorded), ct);
            await driver.SubmitAsync(id, nameof(JointMeetingMinutesRecorded), Minutes(quarter), ct);
            if (quarter == 2)
            {
                await UntilAsync(new DateOnly(year, 6, 1), ct);
                driver.Say("汛期将至,社区党委召集临时会议。");
                await driver.SubmitAsync(id, nameof(ExtraSessionCalled), new ExtraSessionCalled(Today.AddDays(8), "汛期防汛准备", ["防汛值守", "低洼小区排水"], Units[0]), ct);
                await driver.WaitForStepAsync(id, nameof(ExtraSessionMinutesRecorded), ct);
                await driver.SubmitAsync(id, nameof(ExtraSessionMinutesRecorded), new ExtraSessionMinutesRecorded(Units, ["防汛"], ["成立党员防汛突击队"],
                    [new AssignedTask(Units[4], "清理小区排水沟")]), ct);
                driver.Say("第三季度:轮值主席未召集联席会议,季度结束时升级至街道办事处。");
            }
        }

        await lateUnit;
        await driver.WaitForStepAsync(id, nameof(YearEndAssessed), ct);
        driver.Say("年底测评:按交办任务完成情况和测评打分。");
        await driver.SubmitAsync(id, nameof(YearEndAssessed), new YearEndAssessed(
            [new UnitRating(Units[0], 1, 95m), new UnitRating(Units[1], 1, 88m), new UnitRating(Units[2], 1, 90m), new UnitRating(Units[3], 0, 85m),
             new UnitRating(Units[4], 1, 80m)], "泉口街道党工委"), ct);
    }

    private async Task LateResourcesAsync(IDemoDriver driver, string id, DateOnly on, CancellationToken ct)
    {
        await UntilAsync(on, ct);
        driver.Say("物业公司党支部逾期后补报资源清单。");
        await driver.SubmitAsync(id, nameof(UnitResourcesUpdated), new UnitResourcesUpdated(Units[4], ["物业服务中心会议室", "保洁人员"]), ct);
    }

    private static IReadOnlyList<string> Agenda(int quarter) => quarter switch
    {
        1 => ["老旧小区停车难", "独居老人吃饭难:助餐服务"],
        2 => ["放学无人看护:四点半课堂"],
        _ => ["年底测评安排", "明年项目需求"],
    };

    private static JointMeetingMinutesRecorded Minutes(int quarter) => quarter switch
    {
        1 => new(Units, Agenda(1), ["划定临时停车位", "由社区党委领办幸福里食堂助餐服务"],
            [new AssignedTask(Units[1], "争取老旧小区改造停车位"), new AssignedTask(Units[2], "夜间停车秩序巡查")],
            [new MatchedProject("幸福里食堂助餐服务", Units[0], 30_000m, "独居老人吃饭难")]),
        2 => new(Units, Agenda(2), ["由浏河小学党支部领办四点半课堂"], [new AssignedTask(Units[3], "提供课后托管教室")],
            [new MatchedProject("四点半课堂", Units[3], 15_000m, "双职工家庭孩子放学无人看护")]),
        _ => new(Units, Agenda(4), ["启动年底测评"], [new AssignedTask(Units[0], "汇总成员单位履职情况")]),
    };

    /// <summary>Whistle and dispatch: one order claimed at once, one only after it escalated, one done after its deadline.</summary>
    private async Task RunWorkOrdersAsync(IDemoDriver driver, string committee, int year, CancellationToken ct)
    {
        var orders = new (DateOnly RaisedOn, string Title, int DeadlineDays, string ClaimedBy, ClaimantKind Kind, int ClaimAfterDays, int DoneAfterDays)[]
        {
            (new DateOnly(year, 2, 23), "3号楼楼道堆物清理", 10, "党员张建国", ClaimantKind.PartyMember, 0, 5),
            (new DateOnly(year, 3, 16), "小区路灯维修", 7, Units[4], ClaimantKind.MemberUnit, 0, 12),
            (new DateOnly(year, 5, 11), "独居老人家中水管漏水", 14, "党员李秀英", ClaimantKind.PartyMember, 6, 3),
            (new DateOnly(year, 9, 7), "楼栋化粪池堵塞", 10, Units[1], ClaimantKind.MemberUnit, 1, 4),
        };
        for (int n = 1; n <= orders.Length; n++)
        {
            var o = orders[n - 1];
            await UntilAsync(o.RaisedOn, ct);
            driver.Say($"社区吹哨:{o.Title}(限{o.DeadlineDays}天办结)。");
            await driver.SubmitAsync(committee, nameof(WorkOrderRaised), new WorkOrderRaised(o.Title, o.Title, Today.AddDays(o.DeadlineDays), "浏河社区居委会"), ct);
            string order = WorkOrderOrchestrator.InstanceIdFor(committee, year, n);
            await driver.WaitForStepAsync(order, nameof(WorkOrderClaimed), ct);
            await UntilAsync(Today.AddDays(o.ClaimAfterDays), ct);
            await driver.SubmitAsync(order, nameof(WorkOrderClaimed), new WorkOrderClaimed(o.ClaimedBy, o.Kind), ct);
            await UntilAsync(Today.AddDays(o.DoneAfterDays), ct);
            await driver.WaitForStepAsync(order, nameof(WorkOrderCompleted), ct);
            await driver.SubmitAsync(order, nameof(WorkOrderCompleted), new WorkOrderCompleted("已办结", 10, 9, "居民满意"), ct);
        }
    }

    /// <summary>A project matched at a joint meeting, from its needs survey to the audit; the evaluation meeting rates it.</summary>
    private async Task RunProjectAsync(IDemoDriver driver, string id, string name, decimal budget, int months, CancellationToken ct)
    {
        await driver.WaitForStepAsync(id, nameof(NeedsSurveyCompleted), ct);
        driver.Say($"“{name}”项目清单公示期满,作为社区服务项目启动。");
        await driver.SubmitAsync(id, nameof(NeedsSurveyCompleted), new NeedsSurveyCompleted($"{name}:敲门行动汇总的需求", 180, [SurveyMethod.DoorKnocking]), ct);
        await driver.SubmitAsync(id, nameof(ApplicationSubmitted), new ApplicationSubmitted(Community, name, "解决居民急难愁盼", "成员单位领办,按月开展服务",
            ["服务居民1000人次"], "领办单位与社区志愿者", [new BudgetLine("场地与物资", budget * 0.6m), new BudgetLine("服务人员补贴", budget * 0.4m)], months), ct);
        await driver.SubmitAsync(id, nameof(SupportPollCompleted), new SupportPollCompleted(200, 171), ct);
        await driver.SubmitAsync(id, nameof(ProjectReviewed), new ProjectReviewed(86m, "泉口街道项目评审组"), ct);
        await driver.SubmitAsync(id, nameof(ApprovalDecided), new ApprovalDecided(true, budget, "符合项目清单", "泉口街道领导小组"), ct);
        var signed = Today;
        await driver.SubmitAsync(id, nameof(TeamFormed), new TeamFormed(
            [new TeamMember("领办单位负责人", TeamRole.Lead, "统筹项目", signed), new TeamMember("社区财务", TeamRole.FinanceLead, "经费与账目", signed),
             new TeamMember("居民志愿者", TeamRole.Member, "组织服务", signed)], signed), ct);
        for (int month = 1; month <= months; month++)
        {
            await driver.WaitForStepAsync(id, nameof(ProgressReported), ct);
            await driver.SubmitAsync(id, nameof(ProgressReported), new ProgressReported($"第{month}个月服务按计划开展", 2, 100 * month, budget * month / months), ct,
                HumanStep.StepToken(nameof(ProgressReported), month));
            if (month == (months + 1) / 2)
            {
                await driver.WaitForStepAsync(id, nameof(MidTermChecked), ct);
                await driver.SubmitAsync(id, nameof(MidTermChecked), new MidTermChecked(true, "进度与资金使用正常", "项目监审组"), ct);
            }
        }

        await driver.WaitForStepAsync(id, nameof(CompletionDocumentsSubmitted), ct);
        await driver.SubmitAsync(id, nameof(CompletionDocumentsSubmitted), new CompletionDocumentsSubmitted(new ExecutionReport($"{name}执行完毕", 40, 1000),
            [new SpendingLine("场地与物资", budget * 0.6m, budget * 0.6m), new SpendingLine("服务人员补贴", budget * 0.4m, budget * 0.4m - 300m)], budget, budget - 300m,
            new EvaluationReport("指标完成", ["服务居民1000人次"], [])), ct);
        await driver.WaitForStepAsync(id, nameof(AuditCompleted), ct);
        await driver.SubmitAsync(id, nameof(AuditCompleted), new AuditCompleted(true, [], "项目监审组"), ct);
        await driver.WaitForCompletionAsync(id, ct);
    }

    private async Task RunEvaluationMeetingAsync(IDemoDriver driver, string meeting, string[] projects, CancellationToken ct)
    {
        await driver.WaitForStepAsync(meeting, nameof(EvaluationMeetingHeld), ct);
        driver.Say("年度评议大会:居民代表现场查看项目并测评满意度。");
        await driver.SubmitAsync(meeting, nameof(EvaluationMeetingHeld), new EvaluationMeetingHeld(Today, 150,
            [new ProjectRating(projects[0], "食堂每日供餐,老人就餐登记完整", 150, 146), new ProjectRating(projects[1], "课堂运转正常,家长签到表齐全", 150, 143)]), ct);
        await driver.WaitForCompletionAsync(meeting, ct);
    }

    /// <summary>Waits (on the demo's accelerated clock) until 10:00 China time on <paramref name="day"/>.</summary>
    private async Task UntilAsync(DateOnly day, CancellationToken ct)
    {
        var at = ChinaTime.StartOfDay(day).AddHours(10);
        for (var wait = at - clock.GetUtcNow(); wait > TimeSpan.Zero; wait = at - clock.GetUtcNow())
        {
            // Task.Delay refuses more than about 49 days (simulated, before the clock scales it): wait in steps.
            await Task.Delay(wait < MaxDelay ? wait : MaxDelay, clock, ct);
        }
    }

    private static readonly TimeSpan MaxDelay = TimeSpan.FromDays(30);
}
