using Governance.Domain.Calendar;
using Governance.Domain.Projects;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Workflows.CommunityProjects;

/// <summary>
/// Demo modelled on Qingyuan street's (大兴清源街道) four pilot projects of 2007 with 社区参与行动 (seed 002):
/// 金华里 新居民之家 (charity shop and child care for migrant residents), 郁花园 社区文化活动中心 (a dozen culture
/// teams), 金惠园二里 e家亲服务社 (training for domestic workers), 兴华园 儿童创意及表现空间 (children's creativity).
/// Budgets are "mostly around ten thousand yuan, some only a few thousand" (seed 002). A fifth application from
/// 滨河西里南区 falls short of residents' support (49.9%), so the round shows the 50% rule; e家亲 gets an audit
/// finding that is rectified, and the funded list draws an objection that is dismissed.
/// </summary>
public sealed class QingyuanPilotProjectsDemo(TimeProvider clock) : IDemoScenario
{
    public string Name => "qingyuan-2007-pilot-projects";

    private sealed record Pilot(string Community, string Project, string Purpose, string Plan, string Indicator, decimal Materials, decimal Activities, int Supporters, int Respondents);

    private static readonly Pilot[] Pilots =
    [
        new("金华里社区", "新居民之家", "为外来新居民提供低价生活用品与儿童看护", "爱心超市募捐衣物清洗消毒后低价出售;小小乐园儿童看护;增设裁裤边、修拉链、烫洗衣服", "服务新居民300人次", 6_000m, 4_000m, 168, 240),
        new("郁花园社区", "社区文化活动中心", "让互不相识的商品房居民通过文艺活动相互认识", "成立郁花园文化艺术中心,容纳舞蹈、唱歌、书画等十多支团队,由团队负责人组成理事会", "十支以上文化团队常态活动", 5_000m, 5_000m, 150, 210),
        new("金惠园二里社区", "e家亲服务社", "提升社区家政服务员技能,增加雇佣机会", "帮助家政服务员建立理事会,链接资源开展培训", "培训家政服务员40人", 4_500m, 4_000m, 95, 160),
        new("兴华园社区", "儿童创意及表现空间", "引导未成年人增强创新意识和实践能力", "开展寓教于乐的青少年社区教育活动", "开展活动24场", 3_000m, 3_500m, 130, 180),
        new("滨河西里南区社区", "帮老助困服务队", "照顾社区老人", "组织志愿者上门照顾老人", "服务老人50户", 5_000m, 3_000m, 499, 1_000),
    ];

    public async Task RunAsync(IDemoDriver driver, CancellationToken cancellationToken)
    {
        DateOnly today = ChinaTime.Today(clock);
        var input = new FundingRoundInput("清源街道", today.Year, $"{today.Year}年社区服务项目试点", BudgetTotal: 40_000m, PerProjectCap: 12_000m,
            ApplicationDeadline: today.AddDays(14));
        driver.Say($"清源街道社区服务中心发布项目指南:资助总额{input.BudgetTotal}元,单个项目上限{input.PerProjectCap}元,{input.ApplicationDeadline:yyyy-MM-dd}截止。");
        string round = await driver.StartAsync(FundingRoundOrchestrator.WorkflowName, input, null, cancellationToken);

        foreach (var p in Pilots)
        {
            await driver.WaitForStepAsync(round, nameof(ApplicationSubmitted), cancellationToken);
            driver.Say($"{p.Community}提交“{p.Project}”申请(群众评议 {p.Supporters}/{p.Respondents})。");
            await driver.SubmitAsync(round, nameof(ApplicationSubmitted), new ApplicationSubmitted(p.Community, p.Project, p.Purpose, p.Plan, [p.Indicator],
                "居委会工作人员、居民代表与志愿者", [new BudgetLine("物资", p.Materials), new BudgetLine("活动与培训", p.Activities)], 6,
                new NeedsSurveyCompleted($"{p.Community}需求调查:{p.Purpose}", p.Respondents, [SurveyMethod.Questionnaire, SurveyMethod.DoorKnocking]),
                new SupportPollCompleted(p.Respondents, p.Supporters)), cancellationToken);
        }

        await driver.WaitForStepAsync(round, nameof(ReviewMeetingHeld), cancellationToken);
        driver.Say("项目评审会:45人对公益性、可行性、可持续性分别投票(权重0.4/0.3/0.3)。");
        await driver.SubmitAsync(round, nameof(ReviewMeetingHeld), new ReviewMeetingHeld(today.AddDays(20), 45,
            [new ReviewVoteTally(1, 40, 35, 33), new ReviewVoteTally(2, 36, 38, 37), new ReviewVoteTally(3, 30, 36, 34), new ReviewVoteTally(4, 38, 30, 28)]), cancellationToken);

        await driver.WaitForStepAsync(round, nameof(FundingDecided), cancellationToken);
        driver.Say("领导小组按排名在预算内确定资助四个试点项目。");
        await driver.SubmitAsync(round, nameof(FundingDecided), new FundingDecided(
            [new Grant(1, 10_000m), new Grant(2, 10_000m), new Grant(3, 8_500m), new Grant(4, 6_500m)], null, "清源街道领导小组"), cancellationToken);

        await driver.WaitForStepAsync(round, Publicity.ObjectionEvent, cancellationToken);
        driver.Say("公示期间有居民提出异议,领导小组裁定不成立。");
        await driver.SubmitAsync(round, Publicity.ObjectionEvent, new Objection("滨河西里南区居民", "我们社区的帮老助困项目也应得到资助"), cancellationToken);
        await driver.WaitForStepAsync(round, Publicity.RulingEvent, cancellationToken);
        await driver.SubmitAsync(round, Publicity.RulingEvent, new ObjectionRuled(false, "该项目群众支持率49.9%,未达50%,依规不进入评审", "清源街道领导小组"), cancellationToken);

        var projects = Enumerable.Range(1, 4).Select(n => RunProjectAsync(driver, FundingRoundOrchestrator.ProjectInstanceId(round, n), Pilots[n - 1], n == 3, cancellationToken));
        await Task.WhenAll(projects);
        await driver.WaitForCompletionAsync(round, cancellationToken);
        driver.Say("评审批次结项,形成总结报告。");
    }

    private async Task RunProjectAsync(IDemoDriver driver, string id, Pilot p, bool auditFinding, CancellationToken ct)
    {
        await driver.WaitForStepAsync(id, nameof(TeamFormed), ct);
        var signed = ChinaTime.Today(clock);
        await driver.SubmitAsync(id, nameof(TeamFormed), new TeamFormed(
            [new TeamMember($"{p.Community}负责人", TeamRole.Lead, "统筹项目", signed), new TeamMember($"{p.Community}财务", TeamRole.FinanceLead, "管理经费与账目", signed),
             new TeamMember($"{p.Community}志愿者", TeamRole.Member, "组织活动", signed)], signed), ct);
        driver.Say($"{p.Project}:执行小组组建,职责合同签署完毕。");

        decimal budget = p.Materials + p.Activities;
        for (int month = 1; month <= 6; month++)
        {
            await driver.WaitForStepAsync(id, nameof(ProgressReported), ct);
            await driver.SubmitAsync(id, nameof(ProgressReported), new ProgressReported($"第{month}个月:活动按计划开展", 2, 40 * month, budget * month / 6), ct,
                HumanStep.StepToken(nameof(ProgressReported), month));
            if (month == 3)
            {
                await driver.WaitForStepAsync(id, nameof(MidTermChecked), ct);
                await driver.SubmitAsync(id, nameof(MidTermChecked), new MidTermChecked(true, "进度与资金使用正常", "清源街道项目监审组"), ct);
            }
        }

        await driver.WaitForStepAsync(id, nameof(CompletionDocumentsSubmitted), ct);
        await driver.SubmitAsync(id, nameof(CompletionDocumentsSubmitted), new CompletionDocumentsSubmitted(
            new ExecutionReport($"{p.Project}执行完毕", 24, 300),
            [new SpendingLine("物资", p.Materials, p.Materials - 200m), new SpendingLine("活动与培训", p.Activities, p.Activities)], budget, budget - 200m,
            new EvaluationReport("指标完成", [p.Indicator], [])), ct);

        await driver.WaitForStepAsync(id, nameof(AuditCompleted), ct);
        if (auditFinding)
        {
            driver.Say($"{p.Project}:监审组发现培训费票据不全,限期整改。");
            await driver.SubmitAsync(id, nameof(AuditCompleted), new AuditCompleted(false, [new AuditFinding("培训费缺少三张发票", ChinaTime.Today(clock).AddDays(30))], "清源街道项目监审组"), ct);
            await driver.WaitForStepAsync(id, nameof(RectificationSubmitted), ct);
            await driver.SubmitAsync(id, nameof(RectificationSubmitted), new RectificationSubmitted("已补齐发票", ["培训费缺少三张发票"]), ct);
            await driver.WaitForStepAsync(id, nameof(AuditCompleted), ct);
        }

        await driver.SubmitAsync(id, nameof(AuditCompleted), new AuditCompleted(true, [], "清源街道项目监审组"), ct);
        await driver.WaitForStepAsync(id, nameof(SatisfactionRated), ct);
        await driver.SubmitAsync(id, nameof(SatisfactionRated), new SatisfactionRated(200, 192, ChinaTime.Today(clock)), ct);
        await driver.WaitForCompletionAsync(id, ct);
        driver.Say($"{p.Project}:满意度96%,公示期满,结项。");
    }
}
