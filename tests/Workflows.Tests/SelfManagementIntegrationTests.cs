using Governance.Domain.Calendar;
using Governance.Domain.Elections;
using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.Incubation;
using Governance.Workflows.SelfManagement;
using Governance.Workflows.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Workflows.Tests;

/// <summary>
/// The estate committee and the incubation on the real runtime and Azurite with a fake clock: a committee's set-up
/// (a missed quorum, then a run-off) and its first year into the second; an organisation from its first survey to
/// graduation.
/// </summary>
public sealed class SelfManagementIntegrationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = ChinaTime.At(new DateOnly(2026, 3, 2), new TimeOnly(9, 0));

    [Fact]
    public async Task A_committee_is_elected_at_the_second_assembly_after_a_run_off_and_its_first_year_continues_into_the_next()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, Start);
        var (client, driver) = (host.Client, host.Driver);
        const string id = "liuhe-huagong";
        var input = new EstateCommitteeInput("东宝区泉口街道", "浏河社区", "化工小区", 2026, 300, 3);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(EstateCommitteeOrchestrator), input,
            new StartOrchestrationOptions(id) { Tags = SelfManagementCatalog.EstateCommittee.TagsFromInput(input) });
        DateOnly Today() => ChinaTime.ToChinaDate(host.Clock.GetUtcNow());

        await driver.SubmitWhenWaitingAsync(id, nameof(TalentSearchCompleted), new TalentSearchCompleted(
            [new("张建国", TalentGroup.RetiredOfficial, new(true, true, true, true)), new("李秀英", TalentGroup.ResidentActivist, new(true, true, true, true))], 6));
        await driver.SubmitWhenWaitingAsync(id, nameof(ConsultationMeetingsHeld), new ConsultationMeetingsHeld(Today(), 46, Today(), 12, "成立自管委员会管理停车和卫生"));
        await driver.SubmitWhenWaitingAsync(id, nameof(NominationsClosed), new NominationsClosed(
            [new("张建国", NominationChannel.PartyOrganisation), new("李秀英", NominationChannel.ResidentsJointly, 15), new("王志强", NominationChannel.Self), new("赵桂兰", NominationChannel.ResidentsJointly, 10)]));
        await driver.SubmitWhenWaitingAsync(id, nameof(CandidatesScreened), new CandidatesScreened(
            new[] { "张建国", "李秀英", "王志强", "赵桂兰" }.Select(n => new CandidateScreening(n, true, true, true, true, true)).ToList()));

        // The preliminary list's publicity runs out; the first assembly misses the quorum (199 of 300), the second meets it exactly.
        await driver.SubmitWhenWaitingAsync(id, ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(Today(), 300, 205, 199, []));
        var second = await driver.WaitForOccurrenceAsync(id, ElectionSteps.AssemblyEvent, 2);
        Assert.Contains("attempt 2", second.SerializedCustomStatus);
        var refused = await client.SubmitAsync(id, ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(Today(), 300, 200, 201, []));
        Assert.Equal((SubmissionStatus.Rejected, "election.ballotsOverAttendees", "ballotsCast"), (refused.Status, refused.Decision!.Rule, refused.Decision.Field));
        await client.SubmitAcceptedAsync(id, ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(Today(), 300, 200, 200,
            [new("张建国", 180), new("李秀英", 150), new("王志强", 90), new("赵桂兰", 80)]));
        await driver.SubmitWhenWaitingAsync(id, ElectionSteps.RunOffEvent, new RunOffHeld(Today(), 300, 200, 200, [new("王志强", 120), new("赵桂兰", 80)]));

        await driver.SubmitWhenWaitingAsync(id, nameof(ConventionDrafted), new ConventionDrafted("文明停车、垃圾分类、邻里互助", ["管理停车", "组织清扫"]));
        await driver.SubmitWhenWaitingAsync(id, nameof(ConventionMeetingHeld), new ConventionMeetingHeld(Today(), 180, true));
        await driver.SubmitWhenWaitingAsync(id, nameof(EmpowermentPlanned), new EmpowermentPlanned(2, "代办老年人证件", true, [new FundingApplication("楼道照明改造", 20_000m)]));

        // Problems: one in the first round, solved in its own instance; the other rounds bring none.
        await driver.SubmitWhenWaitingAsync(id, nameof(ProblemsCollected), new ProblemsCollected([new("3栋楼道灯坏", ProblemSource.HomeVisit)]));
        await driver.SubmitWhenWaitingAsync(id, nameof(OpenSpaceMeetingHeld), new OpenSpaceMeetingHeld(Today(), 35, [new("3栋楼道灯坏", ProblemType.Facilities, "自管委员会", 10)]));
        string problem = EstateProblemOrchestrator.InstanceId(id, 2026, 1, 1);
        await driver.SubmitWhenWaitingAsync(problem, nameof(ProblemSolved), new ProblemSolved("更换灯具6盏"));
        for (int month = 1; month <= 12; month++)
        {
            var waiting = await driver.WaitForOccurrenceAsync(id, nameof(MonthlyAccountsPublished), month);
            if (waiting.ReadCustomStatusAs<WorkflowStatus>()!.OpenSteps.Any(o => o.EventName == nameof(ProblemsCollected)))
            {
                await client.SubmitAcceptedAsync(id, nameof(ProblemsCollected), new ProblemsCollected([]));
            }

            await client.SubmitAcceptedAsync(id, nameof(MonthlyAccountsPublished), new MonthlyAccountsPublished(month, 1_000m, 800m, 50, [new("李秀英", "照顾独居老人")], Today()));
        }

        await driver.SubmitWhenWaitingAsync(id, nameof(AnnualReviewHeld), new AnnualReviewHeld(Today(), 300, 210, 198, "居民满意"));
        var nextYear = await driver.WaitForStepAsync(id, nameof(EmpowermentPlanned));

        // The second year runs in a new execution; the first year's history stays readable.
        Assert.Contains("2027", nextYear.SerializedCustomStatus);
        var executions = await client.GetExecutionIdsAsync(id);
        Assert.Equal(2, executions.Count);
        var firstYear = await client.GetInstanceHistoryAsync(id, executions[0]);
        var accepted = firstYear.OfType<SubmissionEvent>().Where(e => e.Decision!.Status == SubmissionStatus.Accepted).Select(e => e.Name).ToList();
        Assert.Equal(2, accepted.Count(n => n == ElectionSteps.AssemblyEvent));
        Assert.Single(accepted, n => n == ElectionSteps.RunOffEvent);
        Assert.Equal(12, accepted.Count(n => n == nameof(MonthlyAccountsPublished)));
        var completed = firstYear.OfType<ExecutionCompletedEvent>().Single();
        Assert.Equal(OrchestrationRuntimeStatus.ContinuedAsNew, completed.Status);
        var report = DurableJson.Deserialize<EstateCommitteeInput>(completed.Result)!.LastYear!;
        Assert.Equal(["张建国", "李秀英", "王志强"], report.Members);
        Assert.Equal(1, report.Election!.QuorumFailures);
        Assert.Equal(RoundKind.RunOff, report.Election.Rounds[^1].Kind);
        Assert.Equal("更换灯具6盏", Assert.Single(report.Problems).Solution);

        // The estate's project is its own instance, linked both ways.
        string project = LinkedProjects.InstanceId(id, LinkedProjects.KeyFor(2026, "楼道照明改造"));
        var projectMeta = await driver.WaitForStepAsync(project, nameof(NeedsSurveyCompleted));
        Assert.Equal(id, Assert.Single(projectMeta.ReadCustomStatusAs<WorkflowStatus>()!.Links!).InstanceId);
        Assert.Contains(firstYear.OfType<TaskCompletedEvent>(), e => e.Result?.Contains(project) == true);
        Assert.Equal("化工小区", (await client.GetInstanceAsync(problem))!.Tags["estate"]);

        var outbox = host.Host.Services.GetRequiredService<NotificationOutbox>();
        Assert.Contains(await outbox.QueryAsync(id, null, null, 1000), n => n.Kind == NotificationKinds.QuorumMissed);
    }

    [Fact]
    public async Task An_organisation_is_incubated_from_its_first_survey_to_graduation()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, Start);
        var (client, driver) = (host.Client, host.Driver);
        const string id = "liuhe-yinling";
        var input = new IncubationInput("东宝区泉口街道", "浏河社区", "浏河社区社会组织孵化基地", 2026, "银龄互助队", SupportMonths: 12);
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(IncubationOrchestrator), input,
            new StartOrchestrationOptions(id) { Tags = IncubationCatalog.Incubation.TagsFromInput(input) });
        DateOnly Today() => ChinaTime.ToChinaDate(host.Clock.GetUtcNow());

        await driver.SubmitWhenWaitingAsync(id, nameof(IncubationNeedsSurveyed), new IncubationNeedsSurveyed(30, 120, "低龄老人", "照顾高龄独居老人"));
        await driver.SubmitWhenWaitingAsync(id, nameof(InterestActivitiesHeld), new InterestActivitiesHeld(3, 40, true));
        await driver.SubmitWhenWaitingAsync(id, nameof(GroupDiscussionsHeld), new GroupDiscussionsHeld(4, 36));
        await driver.SubmitWhenWaitingAsync(id, nameof(ActionPlanAdopted), new ActionPlanAdopted("每周结对探访", 6));
        await driver.SubmitWhenWaitingAsync(id, nameof(LeadersChosen), new LeadersChosen(["周桂芳"], 12));
        await driver.SubmitWhenWaitingAsync(id, nameof(StructureAdopted), new StructureAdopted("理事会", ["例会制度"], 2, ["周桂芳", "陈德明", "吴秀兰"], 36));
        await driver.SubmitWhenWaitingAsync(id, ElectionSteps.AssemblyEvent, new ElectionAssemblyHeld(Today(), 36, 30, 30, [new("周桂芳", 25), new("陈德明", 20), new("吴秀兰", 10)]));
        await driver.SubmitWhenWaitingAsync(id, nameof(OrganisationRegistered), new OrganisationRegistered("浏河银龄互助队", null, RegistrationKind.Filed, "LH-BA-2026-07", Today()));
        await driver.SubmitWhenWaitingAsync(id, nameof(CharterAdopted), new CharterAdopted("互助、守时", "探访一次积1分", 5));

        // Two periods of six months; the first evaluation fails and its corrective actions loop once.
        await driver.SubmitWhenWaitingAsync(id, nameof(SupportReported), new SupportReported(3_000m, ["社区公益创投"], 3, 8));
        await driver.SubmitWhenWaitingAsync(id, nameof(EvaluationCompleted), new EvaluationCompleted(false, Evaluator.ThirdParty, "台账不全", ["补齐探访台账"]));
        await driver.SubmitWhenWaitingAsync(id, nameof(CorrectiveActionsCompleted), new CorrectiveActionsCompleted("台账已补齐"));
        await driver.SubmitWhenWaitingAsync(id, nameof(EvaluationCompleted), new EvaluationCompleted(true, Evaluator.ThirdParty, "整改到位"));
        await driver.SubmitWhenWaitingAsync(id, nameof(SupportReported), new SupportReported(2_000m, ["爱心商家"], 2, 6));
        await driver.SubmitWhenWaitingAsync(id, nameof(EvaluationCompleted), new EvaluationCompleted(true, Evaluator.Internal, "可以出壳"));
        var done = await driver.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var report = done.ReadOutputAs<IncubationReport>()!;
        Assert.Equal((IncubationResult.Graduated, 3, 1, 14), (report.Result, report.Evaluations, report.CorrectiveRounds, report.ActivistsTrained));
        Assert.Equal(["周桂芳", "陈德明"], report.Board.Elected);
        Assert.True(report.GraduatedOn >= new DateOnly(2027, 3, 2), report.GraduatedOn.ToString());

        var view = await new IncubatorView(client).ComputeAsync(null, "浏河社区", null);
        Assert.Equal((1, 1, 14), (view.Organisations, view.Graduated, view.ActivistsTrained));
    }
}
