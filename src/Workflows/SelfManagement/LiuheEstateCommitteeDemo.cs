using Governance.Domain.Calendar;
using Governance.Domain.Elections;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;

namespace Governance.Workflows.SelfManagement;

/// <summary>
/// Demo modelled on 浏河社区 (荆门, seed 001), whose "小区自管工作法" was listed by the Ministry of Civil Affairs: an old
/// estate without property management sets up its self-management committee. The first election assembly misses the
/// two-thirds quorum (199 of 300 households) and is called again; at the second, two candidates pass half of the
/// ballots and the third seat goes to a run-off. Then the convention, the year's plan with a project application
/// (started as a linked community project), the first problem round and the first monthly publication; the
/// committee's year then goes on by itself (a year of months would outlast the demo).
/// </summary>
public sealed class LiuheEstateCommitteeDemo(TimeProvider clock) : IDemoScenario
{
    public string Name => "liuhe-estate-committee";

    public async Task RunAsync(IDemoDriver driver, CancellationToken cancellationToken)
    {
        DateOnly Today() => ChinaTime.Today(clock);
        var input = new EstateCommitteeStart("东宝区泉口街道", "浏河社区", "化工厂宿舍小区", Today().Year, 300, 3);
        driver.Say("浏河社区:三无老旧小区“化工厂宿舍”(300户)启动小区自管“六步工作法”,应选自管委员3名。");
        string id = await driver.StartAsync(EstateCommitteeOrchestrator.WorkflowName, input, null, cancellationToken);
        async Task Step(string eventName, object payload, string? token = null)
        {
            await driver.WaitForStepAsync(id, eventName, cancellationToken);
            await driver.SubmitAsync(id, eventName, payload, cancellationToken, token);
        }

        await Step(nameof(TalentSearchCompleted), new TalentSearchCompleted(
            [new("张建国", TalentGroup.RetiredOfficial, new(true, true, true, true), "退休干部,热心公益"),
             new("李秀英", TalentGroup.ResidentActivist, new(true, true, true, true), "楼栋长"),
             new("王志强", TalentGroup.SkilledPerson, new(true, true, true, false), "水电维修"),
             new("赵桂兰", TalentGroup.RetiredWorker, new(true, true, false, true))], ActivitiesHeld: 6));
        await Step(nameof(ConsultationMeetingsHeld), new ConsultationMeetingsHeld(Today(), 46, Today(), 12, "居民希望自己管停车、卫生和楼道照明"));
        await Step(nameof(NominationsClosed), new NominationsClosed([new("张建国", NominationChannel.PartyOrganisation), new("李秀英", NominationChannel.ResidentsJointly, 15),
            new("王志强", NominationChannel.Self), new("赵桂兰", NominationChannel.ResidentsJointly, 10), new("刘伟", NominationChannel.Self)]));
        driver.Say("考察无违法犯罪记录并“四问”:刘伟表示没有时间,不列入初步人选;4人竞选3个职数(差额选举)。");
        await Step(nameof(CandidatesScreened), new CandidatesScreened(
            [Passed("张建国"), Passed("李秀英"), Passed("王志强"), Passed("赵桂兰"), new("刘伟", true, true, false, true, true)]));

        driver.Say("初步人选公示期满。第一次选举大会:300户中仅199户代表投票,未达三分之二,重新召开。");
        await Step(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(Today(), 300, 205, 199, []), HumanStep.StepToken(ElectionSteps.AssemblyEvent, 1));
        driver.Say("第二次选举大会:236户投票;张建国、李秀英得票过半当选,第三个职数另行选举。");
        await Step(ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(Today(), 300, 240, 236,
            [new("张建国", 201), new("李秀英", 160), new("王志强", 110), new("赵桂兰", 95)]), HumanStep.StepToken(ElectionSteps.AssemblyEvent, 2));
        await Step(ElectionSteps.RunOffEvent, new RunOffHeld(Today(), 300, 236, 230, [new("王志强", 128), new("赵桂兰", 102)]));
        driver.Say("另行选举:王志强得128票(超过三分之一)当选。选举结果公示。");

        await Step(nameof(ConventionDrafted), new ConventionDrafted("文明停车、垃圾分类、邻里互助、按时缴纳自管经费", ["管理停车", "组织卫生清扫", "调解邻里纠纷", "每月公示收支"]));
        await Step(nameof(ConventionMeetingHeld), new ConventionMeetingHeld(Today(), 182, true));
        driver.Say("全体居民大会通过小区公约,线上线下公示。");

        await Step(nameof(EmpowermentPlanned), new EmpowermentPlanned(2, "代办老年人证件、医保", true, [new FundingApplication("楼道照明改造", 20_000m)]));
        driver.Say("“一助力三支持”:申请“楼道照明改造”项目资金,作为关联的社区服务项目启动。");
        await Step(nameof(ProblemsCollected), new ProblemsCollected([new("3栋楼道灯坏", ProblemSource.HomeVisit), new("车辆乱停堵塞消防通道", ProblemSource.Online)]));
        await Step(nameof(OpenSpaceMeetingHeld), new OpenSpaceMeetingHeld(Today(), 35,
            [new("3栋楼道灯坏", ProblemType.Facilities, "自管委员会", 5), new("车辆乱停堵塞消防通道", ProblemType.Safety, "自管委员会与社区", 10)]));
        var year = input.Year;
        foreach (int n in new[] { 1, 2 })
        {
            string problem = EstateProblemOrchestrator.InstanceId(id, year, 1, n);
            await driver.WaitForStepAsync(problem, nameof(ProblemSolved), cancellationToken);
            await driver.SubmitAsync(problem, nameof(ProblemSolved), new ProblemSolved(n == 1 ? "王志强更换灯具6盏" : "划定停车位,设置消防通道标识"), cancellationToken);
        }

        await Step(nameof(MonthlyAccountsPublished), new MonthlyAccountsPublished(1, 3_600m, 2_150m, 120, [new("李秀英", "照顾独居老人王奶奶")], Today()),
            HumanStep.StepToken(nameof(MonthlyAccountsPublished), 1));
        driver.Say("第1个月收支、积分和好人好事已公示;自管委员会的一年继续运行(每月公示、每季度解难题、年终居民大会评议)。");
    }

    private static CandidateScreening Passed(string name) => new(name, true, true, true, true, true);
}
