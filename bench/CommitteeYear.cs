using System.Diagnostics;
using Governance.Domain.Calendar;
using Governance.Domain.JointCommittee;
using Governance.Durable;
using Governance.Workflows;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.JointCommittee;
using Governance.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Bench;

/// <summary>
/// 10. The joint committee's yearly rhythm: (a) what one committee-year costs in storage requests and history rows,
/// driven on a fake clock through four meetings, an extra session, the lists and ten work orders into the next year;
/// (b) process memory with many committees waiting mid-year for their steps.
/// </summary>
public sealed class CommitteeYearScenario(string connectionString, bool quick, List<Row> rows)
{
    private static readonly string[] Units = ["浏河社区党委", "东宝区住建局党支部", "泉口派出所党支部", "浏河小学党支部", "物业公司党支部"];
    private const int Orders = 10;

    public async Task RunAsync()
    {
        await OneYearAsync();
        await WaitingAsync();
    }

    private static Task<BenchHost> StartAsync(string connectionString, string hub, FakeTimeProvider clock)
        => BenchHost.StartAsync(connectionString, hub, clock: clock, more: d => d.AddGovernanceWorkflows());

    private async Task OneYearAsync()
    {
        Console.WriteLine($"## 10a. One committee-year: 4 joint meetings, 1 extra session, 5 units' resources, 10 problems, {Orders} work orders, assessment, into the next year (fake clock)");
        var clock = new FakeTimeProvider(ChinaTime.StartOfDay(new DateOnly(2026, 1, 1)));
        await using var h = await StartAsync(connectionString, "BenchCommittee", clock);
        var driver = new Driver(h, clock);
        var idle = await IdleRequestsPerSecondAsync(h, quick ? 5 : 10);
        var before = h.Calls.Snapshot();
        long t0 = Stopwatch.GetTimestamp();

        const string id = "bench-committee";
        await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(JointCommitteeOrchestrator), new JointCommitteeInput("东宝区泉口街道", "浏河社区", 2026, Units),
            new StartOrchestrationOptions(id));
        foreach (string unit in Units)
        {
            await driver.SubmitAsync(id, nameof(UnitResourcesUpdated), new UnitResourcesUpdated(unit, ["活动室"]));
        }

        for (int p = 1; p <= 10; p++)
        {
            await driver.SubmitAsync(id, nameof(ProblemReported), new ProblemReported($"问题{p}", ProblemSource.DoorKnocking, "网格员"));
        }

        long orderRequests = 0;
        var orderRows = new List<int>();
        for (int quarter = 1; quarter <= 4; quarter++)
        {
            await driver.UntilAsync(id, m => m.ReadCustomStatusAs<WorkflowStatus>()?.OpenSteps.Any(o => o.StepToken == HumanStep.StepToken(nameof(JointMeetingScheduled), quarter)) == true);
            await driver.SubmitAsync(id, nameof(JointMeetingScheduled), new JointMeetingScheduled(driver.Today.AddDays(14), Units[quarter - 1]));
            await driver.SubmitAsync(id, nameof(JointMeetingNoticeIssued), new JointMeetingNoticeIssued(["议题"], Units[quarter - 1]));
            await driver.SubmitAsync(id, nameof(JointMeetingMinutesRecorded), new JointMeetingMinutesRecorded(Units, ["议题"], ["决定"], [new AssignedTask(Units[quarter], "任务")]));
            if (quarter == 1)
            {
                var ordersBefore = h.Calls.Snapshot();
                for (int n = 1; n <= Orders; n++)
                {
                    await driver.SubmitAsync(id, nameof(WorkOrderRaised), new WorkOrderRaised($"工单{n}", "说明", driver.Today.AddDays(10), "社区"));
                    string order = WorkOrderOrchestrator.InstanceIdFor(id, 2026, n);
                    await driver.SubmitAsync(order, nameof(WorkOrderClaimed), new WorkOrderClaimed("党员", ClaimantKind.PartyMember));
                    await driver.SubmitAsync(order, nameof(WorkOrderCompleted), new WorkOrderCompleted("已办结", 10, 9));
                    await driver.UntilAsync(order, m => m.IsCompleted);
                    orderRows.Add((await h.Client.GetInstanceHistoryAsync(order)).Count);
                }

                orderRequests = RequestCounter.Diff(h.Calls.Snapshot(), ordersBefore).Values.Sum();
            }

            if (quarter == 2)
            {
                await driver.SubmitAsync(id, nameof(ExtraSessionCalled), new ExtraSessionCalled(driver.Today.AddDays(8), "防汛", ["防汛"], Units[0]));
                await driver.SubmitAsync(id, nameof(ExtraSessionMinutesRecorded), new ExtraSessionMinutesRecorded(Units, ["防汛"], ["值守"]));
            }
        }

        await driver.SubmitAsync(id, nameof(YearEndAssessed), new YearEndAssessed(Units.Select(u => new UnitRating(u, u == Units[0] ? 0 : 1, 90m)).ToList(), "街道"));
        string first = (await h.Client.GetInstanceAsync(id))!.ExecutionId!;
        var next = await driver.UntilAsync(id, m => m.ExecutionId != first && m.WaitingForEvents.Contains(nameof(JointMeetingScheduled)));
        double seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var diff = RequestCounter.Diff(h.Calls.Snapshot(), before).Where(kv => !kv.Key.StartsWith("client-wait", StringComparison.Ordinal)).ToList();
        double raw = diff.Sum(kv => kv.Value);
        double net = raw - idle * seconds;
        int yearRows = (await h.Client.GetInstanceHistoryAsync(id, first)).Count;
        Console.WriteLine($"  {seconds:F0} s real time; storage requests {raw:N0} raw, ≈{net:N0} after subtracting idle polling ({idle:F1}/s); of which {Orders} work orders ≈{orderRequests:N0} raw");
        Console.WriteLine($"  history events: the year's execution {yearRows}; the next year starts with {next.HistoryEventCount}; a work order {orderRows.Average():F0} each (own instance)");
        h.Warnings.PrintTop();
        rows.Add(new Row("10a", $"One committee-year (4 meetings, 1 extra session, 10 problems, {Orders} work orders, assessment): storage requests (idle polling subtracted) / history events",
            $"≈{net:N0} requests (of which {Orders} orders ≈{orderRequests:N0} raw); {yearRows} events in the year's execution, {next.HistoryEventCount} at the start of the next; {orderRows.Average():F0} events per work order (its own instance)",
            "", "", ""));
        Console.WriteLine();
    }

    private async Task WaitingAsync()
    {
        int target = 10_000;
        TimeSpan budget = quick ? TimeSpan.FromMinutes(4) : TimeSpan.FromMinutes(10);
        Console.WriteLine($"## 10b. Process memory with {target:N0} committees waiting mid-year (each: the Q1 meeting date, the units' resources, problems, extra sessions, work orders; time budget {budget.TotalMinutes:F0} min)");
        var clock = new FakeTimeProvider(ChinaTime.At(new DateOnly(2026, 2, 2), new TimeOnly(10, 0)));
        await using var h = await StartAsync(connectionString, "BenchCommittees", clock);
        var rules = JointCommitteeRules.From(new WorkflowSettings()); // given, so no start runs the rules activity
        long steps = 0;
        h.Hub.StepExecuting += (_, starting) =>
        {
            if (!starting)
            {
                Interlocked.Increment(ref steps);
            }
        };

        var m0 = Memory.Measure("empty hub, worker running");
        int created = 0;
        long t0 = Stopwatch.GetTimestamp();
        using var budgetCts = new CancellationTokenSource(budget);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, target), new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = budgetCts.Token }, async (k, ct) =>
            {
                await h.Client.ScheduleNewOrchestrationInstanceAsync(nameof(JointCommitteeOrchestrator),
                    new JointCommitteeInput("东宝区泉口街道", $"社区{k:D5}", 2026, Units, Rules: rules), new StartOrchestrationOptions($"c{k:D5}"), ct);
                Interlocked.Increment(ref created);
            });
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine($"  time budget reached after {created:N0} committees started");
        }

        // Each committee takes a few steps (plans its two due dates) before it only waits; wait until the steps stop.
        long seen = -1;
        var settleDeadline = DateTime.UtcNow + (quick ? TimeSpan.FromMinutes(3) : TimeSpan.FromMinutes(6));
        while (Interlocked.Read(ref steps) != seen && DateTime.UtcNow < settleDeadline)
        {
            seen = Interlocked.Read(ref steps);
            await Task.Delay(5_000);
        }

        double secondsToSettle = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        var sample = await h.Client.GetInstanceAsync($"c{Math.Max(0, created - 1):D5}");
        var m1 = Memory.Measure($"{created:N0} committees waiting") with { Instances = created };
        Console.WriteLine($"  {created:N0} started, {Interlocked.Read(ref steps):N0} steps in {secondsToSettle:F0} s; the last one waits for [{string.Join(", ", sample?.WaitingForEvents ?? [])}]");
        Console.WriteLine($"  {m0}");
        Console.WriteLine($"  {m1}");
        double perKiB = created > 0 ? (m1.GcHeapBytes - m0.GcHeapBytes) / 1024.0 / created : double.NaN;
        h.Warnings.PrintTop();
        rows.Add(new Row("10b", $"Process memory, {created:N0} of {target:N0} committees waiting mid-year: working set / GC heap after full GC (empty hub: {m0.WorkingSetMiB:F0} / {m0.GcHeapMiB:F0} MiB)",
            $"{m1.WorkingSetMiB:F0} MiB / {m1.GcHeapMiB:F0} MiB ({perKiB:F2} KiB GC heap per committee); Azurite RSS {m1.AzuriteMiB:F0} MiB; {Interlocked.Read(ref steps):N0} steps settled in {secondsToSettle:F0} s",
            "", "", ""));
        Console.WriteLine();
    }

    private static async Task<double> IdleRequestsPerSecondAsync(BenchHost h, int seconds)
    {
        var before = h.Calls.Snapshot();
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        return RequestCounter.Diff(h.Calls.Snapshot(), before).Where(kv => !kv.Key.StartsWith("client-wait", StringComparison.Ordinal)).Sum(kv => kv.Value) / (double)seconds;
    }

    /// <summary>Waits for the worker and moves the fake clock to an instance's next timer when it is idle (the tests' <see cref="IdleClockDriver"/>).</summary>
    private sealed class Driver(BenchHost h, FakeTimeProvider clock)
    {
        private readonly IdleClockDriver idle = new(h.Client, h.Hub, clock);

        public DateOnly Today => ChinaTime.ToChinaDate(clock.GetUtcNow());

        public async Task SubmitAsync(string id, string eventName, object payload)
        {
            await UntilAsync(id, m => m.WaitingForEvents.Contains(eventName));
            var outcome = await h.Client.SubmitAsync(id, eventName, payload);
            if (outcome.Status != SubmissionStatus.Accepted)
            {
                throw new InvalidOperationException($"{eventName} to {id}: {outcome.Status} {outcome.Decision?.Rule} {outcome.Decision?.MessageEn}");
            }
        }

        public Task<OrchestrationMetadata> UntilAsync(string id, Func<OrchestrationMetadata, bool> condition)
            => idle.UntilAsync(id, condition, TimeSpan.FromMinutes(2));
    }
}
