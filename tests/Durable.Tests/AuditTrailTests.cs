using Governance.Durable.Audit;
using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Durable.Tests;

/// <summary>The runtime's audit trail: records come with the step's commit, stay within one transaction, digests on the clock.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class AuditTrailTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero); // 09:00 China time

    private static void Tasks(DurableTaskRegistry r) => r
        .AddOrchestrator<HelloCities>().AddOrchestrator<WaitForTwoEvents>().AddOrchestrator<Parent>().AddOrchestrator<Child>()
        .AddActivity<SayHello>();

    private Task<TestHost> StartAsync(TimeProvider? clock = null, bool digests = false)
        => TestHost.StartAsync(azurite, Tasks, clock, services: s => s.AddAuditTrail(digests));

    [Theory]
    [InlineData("!head")]
    [InlineData("!digest")]
    public async Task An_instance_whose_id_is_a_name_the_digest_store_uses_itself_is_digested_and_verified_like_any_other(string id)
    {
        await using var host = await StartAsync(new FakeTimeProvider(Start));
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), null, new StartOrchestrationOptions(id));
        await host.WaitForCompletionAsync(id);
        var trail = host.Services.GetRequiredService<AuditTrail>();

        var first = await trail.CreateDigestAsync(Start.UtcDateTime, default);
        var second = await trail.CreateDigestAsync(Start.UtcDateTime.AddDays(1), default);

        Assert.Equal([first.Id, second.Id], (await trail.ListDigestsAsync()).Select(d => d.Id));
        Assert.Equal(first.Document, (await trail.GetDigestAsync(first.Id))!.Document);
        Assert.True((await trail.VerifyAsync(id)).Intact);
    }

    [Fact]
    public async Task Bookkeeping_leaves_no_record_and_a_linked_child_is_named()
    {
        await using var host = await StartAsync();
        string id = await host.Client.WithActor("li.street").ScheduleNewOrchestrationInstanceAsync(nameof(Parent), "x");
        await host.WaitForCompletionAsync(id);
        var trail = host.Services.GetRequiredService<AuditTrail>();

        var records = (await trail.ReadAsync(id))!;

        Assert.Equal([AuditKinds.InstanceStarted, AuditKinds.InstanceLinked, AuditKinds.InstanceCompleted], records.Select(r => r.Kind));
        Assert.Equal("li.street", records[0].Actor);
        Assert.Equal(AuditRecord.SystemActor, records[2].Actor);
        string child = records[1].Figures["childInstanceId"];
        Assert.Equal(AuditKinds.InstanceStarted, (await trail.ReadAsync(child))![0].Kind);
        Assert.Equal(id, (await trail.ReadAsync(child))![0].Figures["parentInstanceId"]);
        Assert.True((await trail.VerifyAsync(id)).Intact);
    }

    [Fact]
    public void Only_activities_named_as_audited_are_records_with_the_figures_of_their_input()
    {
        var events = new HistoryEvent[]
        {
            new TaskScheduledEvent("RecordNotice", "{\"kind\":\"escalation\",\"recipient\":\"streetOffice\",\"level\":2}") { EventId = 3, Timestamp = Start.UtcDateTime },
            new TaskScheduledEvent("LoadRules", "{}") { EventId = 4, Timestamp = Start.UtcDateTime },
        };

        var drafts = AuditRecordBuilder.DraftsFor("e1", events, new HashSet<string>(["recordnotice"], StringComparer.OrdinalIgnoreCase));

        var notice = Assert.Single(drafts);
        Assert.Equal(AuditKinds.TaskRecorded, notice.Kind);
        Assert.Equal("RecordNotice", notice.Figures["task"]);
        Assert.Contains(notice.Figures, kv => kv.Value == "escalation");
        Assert.Contains(notice.Figures, kv => kv.Value == "streetOffice");
        Assert.Empty(AuditRecordBuilder.DraftsFor("e1", events)); // by default activities are bookkeeping
    }

    [Fact]
    public async Task A_purge_recorded_twice_is_on_the_trail_once_and_the_trail_still_verifies()
    {
        // A purge retried after a crash between its audit record and its deletes records itself again.
        await using var host = await StartAsync();
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await host.WaitForCompletionAsync(id);

        Assert.True(await AuditTrail.RecordPurgeAsync(host.Hub, id, "auditor", CancellationToken.None));
        Assert.True(await AuditTrail.RecordPurgeAsync(host.Hub, id, "auditor", CancellationToken.None));

        var trail = host.Services.GetRequiredService<AuditTrail>();
        Assert.Single((await trail.ReadAsync(id))!, r => r.Kind == AuditKinds.InstancePurged);
        Assert.True((await trail.VerifyAsync(id)).Intact);
    }

    [Fact]
    public void A_step_with_more_events_than_its_record_budget_folds_the_rest_into_one_record()
    {
        var events = Enumerable.Range(0, 120).Select(i => (HistoryEvent)new EventRaisedEvent("Noise", i.ToString()) { Actor = "noise", Timestamp = Start.UtcDateTime }).ToList();

        var drafts = AuditRecordBuilder.DraftsFor("e1", events);

        Assert.Equal(AuditRecordBuilder.MaxRecordsPerStep, drafts.Count);
        Assert.Equal(AuditKinds.Folded, drafts[^1].Kind);
        Assert.Equal("91", drafts[^1].Figures["kind." + AuditKinds.EventRaised]);
    }

    [Fact]
    public async Task Many_events_at_once_are_all_on_the_trail_and_the_commit_fits_its_transaction()
    {
        await using var host = await StartAsync();
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents));
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));
        await Task.WhenAll(Enumerable.Range(0, 120).Select(i => host.Client.WithActor("noise").RaiseEventAsync(id, "Noise", i)));
        await host.Client.RaiseEventAsync(id, "First", "1");
        await host.Client.RaiseEventAsync(id, "Second", "2");
        await host.WaitForCompletionAsync(id);
        var trail = host.Services.GetRequiredService<AuditTrail>();

        var records = (await trail.ReadAsync(id))!;
        int raised = records.Count(r => r.Kind == AuditKinds.EventRaised)
            + records.Where(r => r.Kind == AuditKinds.Folded).Sum(r => int.Parse(r.Figures.GetValueOrDefault("kind." + AuditKinds.EventRaised, "0")));
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(122, history.OfType<EventRaisedEvent>().Count());
        Assert.Equal(122, raised);
        Assert.True((await trail.VerifyAsync(id)).Intact);
    }

    [Theory]
    [InlineData(FaultPoint.BeforeCommit, 1)]
    [InlineData(FaultPoint.AfterCommit, 1)]
    [InlineData(FaultPoint.BeforeCommit, 6)]
    public async Task A_crash_around_a_commit_leaves_each_record_exactly_once_because_records_are_part_of_the_commit(FaultPoint point, int occurrence)
    {
        string hub = TestHost.NewHubName();
        var ledger = new EffectLedger();
        var crash = new CrashAt(point, occurrence);
        static void Faulty(DurableTaskRegistry r) => r.AddOrchestrator<FiveEffects>().AddActivity<RecordEffect>();
        void Services(IServiceCollection s) => s.AddSingleton(ledger).AddAuditTrail(digests: false);
        string id = "audit-crash-" + Guid.NewGuid().ToString("N")[..8];
        crash.InstanceId = id;
        await using (var first = await TestHost.StartAsync(azurite, Faulty, configure: o => { o.WorkerId = "host-a"; o.MessageVisibilityTimeout = TimeSpan.FromSeconds(5); o.FaultInjector = crash; }, services: Services, hubName: hub))
        {
            crash.Hub = first.Hub;
            await first.Client.WithActor("li.street").ScheduleNewOrchestrationInstanceAsync(nameof(FiveEffects), null, new StartOrchestrationOptions(id));
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!crash.Crashed && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            Assert.True(crash.Crashed, "the simulated crash point was reached");
        }

        await using var second = await TestHost.StartAsync(azurite, Faulty, configure: o => { o.WorkerId = "host-a"; o.MessageVisibilityTimeout = TimeSpan.FromSeconds(5); }, services: Services, hubName: hub);
        await second.WaitForCompletionAsync(id, TimeSpan.FromSeconds(90));
        var trail = second.Services.GetRequiredService<AuditTrail>();

        var records = (await trail.ReadAsync(id))!;
        Assert.Equal([AuditKinds.InstanceStarted, AuditKinds.InstanceCompleted], records.Select(r => r.Kind));
        Assert.Equal("li.street", records[0].Actor);
        Assert.True((await trail.VerifyAsync(id)).Intact);
    }

    [Fact]
    public void The_daily_digest_falls_on_china_midnight()
    {
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 16, 0, 0, TimeSpan.Zero), AuditDigestService.NextDue(Start, TimeSpan.FromDays(1)));
        Assert.Equal(new DateTimeOffset(2026, 3, 3, 16, 0, 0, TimeSpan.Zero), AuditDigestService.NextDue(new DateTimeOffset(2026, 3, 2, 16, 0, 0, TimeSpan.Zero), TimeSpan.FromDays(1)));
    }

    [Fact]
    public async Task Digests_are_written_on_the_injected_clock_over_every_head_and_chained()
    {
        var clock = new FakeTimeProvider(Start);
        await using var host = await StartAsync(clock, digests: true);
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await host.WaitForCompletionAsync(id);
        var trail = host.Services.GetRequiredService<AuditTrail>();
        Assert.Empty(await trail.ListDigestsAsync());

        clock.Advance(TimeSpan.FromHours(15) - TimeSpan.FromSeconds(1)); // 23:59:59 China time
        Assert.Empty(await trail.ListDigestsAsync());
        clock.Advance(TimeSpan.FromSeconds(1));
        var first = await EventuallyAsync(trail, 1);
        Assert.Contains(id, first[0].Document);
        Assert.Equal(1, first[0].HeadCount);

        clock.Advance(TimeSpan.FromDays(1));
        var both = await EventuallyAsync(trail, 2);
        Assert.Contains(first[0].Sha256, both[1].Document);
        Assert.Equal(AuditCanonicalForm.Sha256Hex(both[1].Document), both[1].Sha256);
    }

    [Fact]
    public async Task Two_hosts_writing_the_same_period_leave_one_digest_and_one_chain()
    {
        // Host b wakes 5 ms after host a: both write the digest of the same China midnight.
        string hub = TestHost.NewHubName();
        var clockA = new FakeTimeProvider(Start);
        var clockB = new FakeTimeProvider(Start.AddMilliseconds(5));
        var logsA = new Fidelity.CapturingLoggerProvider();
        var logsB = new Fidelity.CapturingLoggerProvider();
        Action<IServiceCollection> Services(Fidelity.CapturingLoggerProvider logs) => s =>
        {
            s.AddAuditTrail(digests: true);
            s.AddSingleton<ILoggerProvider>(logs);
            s.Configure<LoggerFilterOptions>(o => o.AddFilter(typeof(AuditDigestService).FullName, LogLevel.Information));
        };
        await using var a = await TestHost.StartAsync(azurite, Tasks, clockA, services: Services(logsA), hubName: hub);
        await using var b = await TestHost.StartAsync(azurite, Tasks, clockB, services: Services(logsB), hubName: hub);
        string id = await a.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await a.WaitForCompletionAsync(id);
        var trail = a.Services.GetRequiredService<AuditTrail>();

        var midnight = TimeSpan.FromHours(15);
        clockA.Advance(midnight);
        clockB.Advance(midnight);
        await WrittenAsync(logsA, 1);
        await WrittenAsync(logsB, 1);
        var digests = await trail.ListDigestsAsync();
        var first = Assert.Single(digests);
        Assert.Equal("20260302T160000000Z", first.Id);
        Assert.Contains(AuditRecord.GenesisHash, first.Document);

        // The next period from both hosts at once: again one digest, following the first.
        string second = await b.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await b.WaitForCompletionAsync(second);
        clockA.Advance(TimeSpan.FromDays(1));
        clockB.Advance(TimeSpan.FromDays(1));
        await WrittenAsync(logsA, 2);
        await WrittenAsync(logsB, 2);
        digests = await trail.ListDigestsAsync();
        Assert.Equal(["20260302T160000000Z", "20260303T160000000Z"], digests.Select(d => d.Id));
        Assert.Equal(first.Sha256, System.Text.Json.Nodes.JsonNode.Parse(digests[1].Document)!["previousDigestSha256"]!.GetValue<string>());
        Assert.Equal(2, digests[1].HeadCount);
        Assert.Equal(digests[1].Document, (await b.Services.GetRequiredService<AuditTrail>().GetDigestAsync(digests[1].Id))!.Document);
        Assert.True((await trail.VerifyAsync(second)).Intact);
    }

    [Fact]
    public async Task Digests_written_at_once_by_two_hosts_form_one_chain()
    {
        string hub = TestHost.NewHubName();
        var clock = new FakeTimeProvider(Start);
        await using var a = await StartOnHubAsync(hub, clock);
        await using var b = await StartOnHubAsync(hub, clock);
        string id = await a.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities));
        await a.WaitForCompletionAsync(id);
        var trailA = a.Services.GetRequiredService<AuditTrail>();
        var trailB = b.Services.GetRequiredService<AuditTrail>();
        var at = Start.UtcDateTime;

        // Same period from both (one is written, the other adopts it), then different instants racing for the chain's head.
        var same = await Task.WhenAll(trailA.CreateDigestAsync(at, default), trailB.CreateDigestAsync(at, default));
        Assert.Equal(same[0], same[1]);
        await Task.WhenAll(
            trailA.CreateDigestAsync(at.AddMinutes(1), default), trailB.CreateDigestAsync(at.AddMinutes(2), default),
            trailA.CreateDigestAsync(at.AddMinutes(3), default), trailB.CreateDigestAsync(at.AddMinutes(3), default));

        var digests = await trailA.ListDigestsAsync();
        Assert.Equal(digests.Select(d => d.Id).Distinct(), digests.Select(d => d.Id));
        string previous = AuditRecord.GenesisHash;
        foreach (var digest in digests)
        {
            Assert.Equal(AuditCanonicalForm.Sha256Hex(digest.Document), digest.Sha256);
            Assert.Equal(previous, System.Text.Json.Nodes.JsonNode.Parse(digest.Document)!["previousDigestSha256"]!.GetValue<string>());
            previous = digest.Sha256;
        }

        Assert.Equal("20260302T010300000Z", digests[^1].Id);
        Assert.True((await trailB.VerifyAsync(id)).Intact);
    }

    private Task<TestHost> StartOnHubAsync(string hub, TimeProvider clock)
        => TestHost.StartAsync(azurite, Tasks, clock, services: s => s.AddAuditTrail(digests: false), hubName: hub);

    private static async Task WrittenAsync(Fidelity.CapturingLoggerProvider logs, int count)
    {
        // Counts digests written ("written" is logged without an exception); a failure, logged with one, fails the test.
        string category = typeof(AuditDigestService).FullName!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (logs.Entries.Count(l => l.Category == category && l.Exception is null) < count)
        {
            Assert.DoesNotContain(logs.Entries, l => l.Category == category && l.Exception is not null);
            Assert.True(DateTime.UtcNow < deadline, $"the digest service did not finish {count} digest(s)");
            await Task.Delay(20);
        }

        Assert.DoesNotContain(logs.Entries, l => l.Category == category && l.Exception is not null);
    }

    private static async Task<IReadOnlyList<StoredAuditDigest>> EventuallyAsync(AuditTrail trail, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var list = await trail.ListDigestsAsync();
            if (list.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, list.Count);
                return list;
            }

            await Task.Delay(20);
        }
    }
}
