using Governance.Domain.Calendar;
using Governance.Workflows.Common;
using Governance.Workflows.SelfManagement;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

public class EstateProblemOrchestratorTests
{
    private static readonly DateTime StartUtc = ChinaTime.At(new DateOnly(2026, 3, 2), new TimeOnly(9, 0)).UtcDateTime;

    private static EstateProblemInput Problem(int dueInWorkingDays) => new("东宝区泉口街道", "浏河社区", "化工小区", 2026, 1, 2,
        new SortedProblem("车辆乱停", ProblemType.Safety, "自管委员会与社区"), new ReportedProblem("车辆乱停", ProblemSource.Online), dueInWorkingDays, EscalationOffsets.Default);

    [Fact]
    public async Task A_late_problem_is_reminded_then_escalated_and_a_blank_solution_is_refused()
    {
        // Due 2026-03-09 (5 working days); solved on 2026-03-17, 6 working days late.
        var h = new OrchestrationHarness(StartUtc, "liuhe-huagong:problem:2026-1-2")
            .Respond(nameof(ProblemSolved), new ProblemSolved(" "))
            .RaiseAt(ChinaTime.At(new DateOnly(2026, 3, 17), new TimeOnly(10, 0)).UtcDateTime, nameof(ProblemSolved), new ProblemSolved("划定停车位"));

        var outcome = await h.RunAsync(new EstateProblemOrchestrator(), Problem(5));

        Assert.Equal(("problem.solution", "solution"), (Assert.Single(h.Rejected).Refusal.Rule, Assert.Single(h.Rejected).Refusal.Field));
        Assert.Equal((new DateOnly(2026, 3, 17), "划定停车位", 2), (outcome.SolvedOn, outcome.Solution, outcome.Number));
        var open = h.Statuses.SelectMany(s => s.OpenSteps).First(o => o.EventName == nameof(ProblemSolved));
        Assert.Equal(new DateOnly(2026, 3, 9), open.DueDate);
        Assert.Contains("自管委员会与社区", open.StepZh);
        Assert.Equal([NotificationKinds.Reminder, NotificationKinds.Reminder, NotificationKinds.Escalation, NotificationKinds.Escalation],
            h.Notifications.Select(n => n.Kind));
        Assert.Equal(Roles.StreetOffice, h.Notifications[^1].Recipient);
        Assert.Equal("化工小区", h.Notifications[0].Round); // the estate is the notification's round, for search
    }
}
