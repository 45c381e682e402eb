using Governance.Domain.Calendar;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Workflows.Incubation;

/// <summary>
/// Demo modelled on 浏河社区's incubator (seed 001, run with 德正社会工作服务中心): an elders' mutual-aid team
/// (低龄老人照顾高龄老人, one of the services the seed names) goes through the four stages and nine steps, elects its
/// board, is filed with the community, and graduates (出壳) after a shortened support period of six months with
/// evaluations every three (the demo's clock runs a day a second), one of which needs corrective actions.
/// </summary>
public sealed class LiuheIncubationDemo(TimeProvider clock) : IDemoScenario
{
    public string Name => "liuhe-organisation-incubation";

    public async Task RunAsync(IDemoDriver driver, CancellationToken cancellationToken)
    {
        DateOnly Today() => ChinaTime.Today(clock);
        var input = new IncubationInput("东宝区泉口街道", "浏河社区", "浏河社区社会组织孵化基地", Today().Year, "银龄互助队", SupportMonths: 6, EvaluationMonths: 3);
        driver.Say("浏河社区孵化基地(“149”模式)开始孵化“银龄互助队”;扶持期6个月,每3个月评估一次(演示用)。");
        string id = await driver.StartAsync(IncubationOrchestrator.WorkflowName, input, null, cancellationToken);
        async Task Step(string eventName, object payload, string? token = null)
        {
            await driver.WaitForStepAsync(id, eventName, cancellationToken);
            await driver.SubmitAsync(id, eventName, payload, cancellationToken, token);
        }

        await Step(nameof(IncubationNeedsSurveyed), new IncubationNeedsSurveyed(30, 120, "退休低龄老人", "高龄独居老人缺少日常照看"));
        await Step(nameof(InterestActivitiesHeld), new InterestActivitiesHeld(3, 40, true));
        driver.Say("第一阶段:找准居民需求,目标群体确认为退休低龄老人。");
        await Step(nameof(GroupDiscussionsHeld), new GroupDiscussionsHeld(4, 36));
        await Step(nameof(ActionPlanAdopted), new ActionPlanAdopted("低龄老人与高龄老人结对,每周探访", 6));
        await Step(nameof(LeadersChosen), new LeadersChosen(["周桂芳", "陈德明"], 12));
        driver.Say("第二阶段:组织居民行动,推选带头人2名,骨干12人。");
        await Step(nameof(StructureAdopted), new StructureAdopted("理事会+3个服务小组", ["例会制度", "财务公开", "积分制度"], 3, ["周桂芳", "陈德明", "吴秀兰", "孙建华"], 36));
        await Step(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(Today(), 36, 32, 32, [new("周桂芳", 30), new("陈德明", 25), new("吴秀兰", 20), new("孙建华", 12)]));
        driver.Say("理事会选举:32名成员投票,周桂芳、陈德明、吴秀兰得票过半当选。");
        await Step(nameof(OrganisationRegistered), new OrganisationRegistered("浏河银龄互助队", "银杏叶", RegistrationKind.Filed, $"浏河社区备案〔{Today().Year}〕07号", Today()));
        await Step(nameof(CharterAdopted), new CharterAdopted("互助、守时、保密、量力而行", "探访一次积1分,可在合作商家兑换", 5));
        driver.Say("第三阶段:规范建立组织,备案登记,制定社团公约和积分制度。");

        await Step(nameof(SupportReported), new SupportReported(3_000m, ["社区公益创投"], 3, 8), HumanStep.StepToken(nameof(SupportReported), 1));
        await Step(nameof(EvaluationCompleted), new EvaluationCompleted(false, Evaluator.ThirdParty, "探访台账不全", ["补齐探访台账", "每月例会留存记录"]),
            HumanStep.StepToken(nameof(EvaluationCompleted), 1));
        driver.Say("第四阶段第1期评估(第三方):台账不全,限期整改。");
        await Step(nameof(CorrectiveActionsCompleted), new CorrectiveActionsCompleted("台账已补齐,例会记录建档"));
        await Step(nameof(EvaluationCompleted), new EvaluationCompleted(true, Evaluator.ThirdParty, "整改到位"), HumanStep.StepToken(nameof(EvaluationCompleted), 2));
        await Step(nameof(SupportReported), new SupportReported(2_000m, ["爱心商家"], 2, 6), HumanStep.StepToken(nameof(SupportReported), 2));
        await Step(nameof(EvaluationCompleted), new EvaluationCompleted(true, Evaluator.Internal, "运行稳定,可以出壳"), HumanStep.StepToken(nameof(EvaluationCompleted), 3));
        await driver.WaitForCompletionAsync(id, cancellationToken);
        driver.Say("扶持期满且评估通过:浏河银龄互助队出壳,累计培训骨干14人。");
    }
}
