using Azure.Data.Tables;
using Governance.Durable.Core;
using Governance.Durable.Storage;
using Governance.TestSupport;

namespace Governance.Durable.Tests;

/// <summary>Sequential steps: <c>count</c> small results, a large one at step 3, then waits for "Go" and does as many again.</summary>
public sealed class StepsAroundAWait : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int count)
    {
        int total = 0;
        for (int i = 0; i < count; i++)
        {
            total += (await context.CallActivityAsync<string>(nameof(Echo), i == 3 ? new string('x', 20_000) : i == 5 ? new string('y', 40_000) : "s" + i)).Length;
        }

        await context.WaitForExternalEvent<string>("Go");
        for (int i = 0; i < count; i++)
        {
            total += (await context.CallActivityAsync<string>(nameof(Echo), "t" + i)).Length;
        }

        return total;
    }
}

public sealed class Echo : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input);
}

/// <summary>Several events share a history row; the last row grows with each step; leftovers of failed commits are skipped.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class HistoryRowsTests(AzuriteFixture azurite)
{
    private static readonly string[] Small = ["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"];

    [Fact]
    public void New_events_after_a_tail_rewrite_the_tail_row_with_them_appended()
    {
        var rows = HistoryRows.Lay(new HistoryTail(4, Small), 7, ["{\"d\":4}"], out var tail);

        var row = Assert.Single(rows);
        Assert.Equal(4, row.Sequence);
        Assert.True(row.Shared);
        Assert.Equal([.. Small, "{\"d\":4}"], row.Events);
        Assert.Equal(4, tail!.Start);
        Assert.Equal(4, tail.Events.Count);
    }

    [Fact]
    public void A_tail_that_does_not_end_where_the_new_events_begin_is_not_extended()
    {
        var rows = HistoryRows.Lay(new HistoryTail(4, Small), 9, ["{\"d\":4}"], out var tail);

        Assert.Equal(9, Assert.Single(rows).Sequence);
        Assert.Equal(9, tail!.Start);
    }

    [Fact]
    public void A_full_row_is_closed_and_the_next_event_starts_a_row_at_its_own_sequence()
    {
        var events = Enumerable.Range(0, HistoryRows.MaxEventsPerRow + 5).Select(i => $"{{\"i\":{i}}}").ToList();

        var rows = HistoryRows.Lay(null, 10, events, out var tail);

        Assert.Equal([10, 10 + HistoryRows.MaxEventsPerRow], rows.Select(r => r.Sequence));
        Assert.Equal(HistoryRows.MaxEventsPerRow, rows[0].Events.Count);
        Assert.Equal(10 + HistoryRows.MaxEventsPerRow, tail!.Start);
        Assert.Equal(5, tail.Events.Count);
    }

    [Fact]
    public void An_event_too_large_to_share_gets_a_row_of_its_own_and_the_tail_is_not_rewritten_for_it()
    {
        string large = "{\"x\":\"" + new string('x', HistoryRows.MaxRowChars) + "\"}";

        var rows = HistoryRows.Lay(new HistoryTail(0, Small), 3, [large], out var tail);

        var row = Assert.Single(rows);
        Assert.Equal((3, false), (row.Sequence, row.Shared));
        Assert.Null(tail);

        var after = HistoryRows.Lay(tail, 4, ["{\"e\":5}", large, "{\"f\":6}"], out tail);
        Assert.Equal([(4, true), (5, false), (6, true)], after.Select(r => (r.Sequence, r.Shared)));
        Assert.Equal(6, tail!.Start);
    }

    [Fact]
    public void No_new_events_write_no_row_and_keep_the_tail()
    {
        var tail = new HistoryTail(2, Small);

        Assert.Empty(HistoryRows.Lay(tail, 5, [], out var kept));
        Assert.Same(tail, kept);
    }

    [Fact]
    public async Task The_chain_skips_leftovers_of_failed_commits_and_cuts_an_over_extended_tail_at_the_count()
    {
        var chain = new HistoryChain(6, _ => Task.FromResult<string?>(null));
        string Key(int sequence) => TaskHubStore.HistoryRowKey(1, sequence);
        TableEntity Shared(int sequence, int count) => new("p", Key(sequence))
        {
            ["Events"] = HistoryRows.Join(Enumerable.Range(sequence, count).Select(i => HistoryRows.Serialize(new TimerFiredEvent(i, default))).ToList()),
            ["Count"] = count,
        };
        TableEntity Single(int sequence) => new("p", Key(sequence)) { ["Data"] = HistoryRows.Serialize(new TimerFiredEvent(sequence, default)) };

        // 0–2 shared; 1 a leftover covered by the longer row; 3 single (an earlier version's layout); 4–7 a tail
        // extended by a commit that failed (only 4–5 committed); 8 a leftover beyond the count.
        foreach (var row in new[] { Shared(0, 3), Single(1), Single(3), Shared(4, 4), Single(8) })
        {
            await chain.AddAsync(row);
        }

        Assert.Equal([0, 1, 2, 3, 4, 5], chain.Events.Select(e => ((TimerFiredEvent)e).TimerId));
        Assert.Equal([Key(1), Key(8)], chain.StaleRowKeys);
        Assert.True(chain.Complete);
    }

    [Fact]
    public async Task A_leftover_row_with_the_key_of_a_row_the_commit_writes_is_replaced_not_deleted_in_the_same_transaction()
    {
        await using var host = await TestHost.StartAsync(azurite, _ => { }, configure: o => o.WorkerEnabled = false);
        var store = host.Hub.Store;
        string id = "leftover-" + Guid.NewGuid().ToString("N")[..8];
        string rowKey = TaskHubStore.HistoryRowKey(1, 0);
        await store.History.UpsertEntityAsync(new TableEntity(id, rowKey) { ["Data"] = "{}" });
        var state = new InstanceState { InstanceId = id, Generation = 1, ExecutionId = "e1", HistoryCount = 2, StepVersion = 1 };

        // The load reported the leftover as stale; the next commit writes a row with that key.
        await store.CommitAsync(new StepCommit(state, null, 0, [new OrchestratorStartedEvent(), new TimerFiredEvent(1, default)], [], [rowKey]), CancellationToken.None);

        var loaded = await store.LoadAsync(id, CancellationToken.None);
        Assert.Equal([nameof(OrchestratorStartedEvent), nameof(TimerFiredEvent)], loaded!.History.Select(e => e.EventType));
        Assert.Empty(loaded.StaleRowKeys);
    }

    [Fact]
    public async Task A_writer_that_lost_the_instance_never_overwrites_the_new_owners_last_row_even_with_a_step_too_large_for_one_transaction()
    {
        await using var host = await TestHost.StartAsync(azurite, _ => { }, configure: o => o.WorkerEnabled = false);
        var store = host.Hub.Store;
        string id = "zombie-" + Guid.NewGuid().ToString("N")[..8];
        InstanceState State(int count, long version) => new() { InstanceId = id, Generation = 1, ExecutionId = "e1", HistoryCount = count, StepVersion = version };
        HistoryEvent Fired(int timerId) => new TimerFiredEvent(timerId, default);

        var first = await store.CommitAsync(new StepCommit(State(2, 1), null, 0, [new OrchestratorStartedEvent(), Fired(1)], [], []), CancellationToken.None);
        // The new owner commits the next step (it extends the last row).
        await store.CommitAsync(new StepCommit(State(3, 2), first.ETag, 2, [Fired(2)], [], []) { Tail = first.Tail }, CancellationToken.None);

        // The old owner, unaware, commits its own next step from the state it had: 150 outbox rows need several transactions.
        var outbox = Enumerable.Range(0, 150).Select(i => new OutboxEntry($"{TaskHubStore.OutboxPrefix}{2:D10}|{i:D4}", 2,
            new MessageOutboxItem(new TaskMessage($"m{i}", "other", new EventRaisedEvent("E", null))))).ToList();
        var stale = store.CommitAsync(new StepCommit(State(3, 2), first.ETag, 2, [Fired(99)], outbox, []) { Tail = first.Tail }, CancellationToken.None);

        Assert.Equal(412, (await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() => stale)).Status);
        var loaded = await store.LoadAsync(id, CancellationToken.None);
        Assert.Equal([1, 2], loaded!.History.OfType<TimerFiredEvent>().Select(e => e.TimerId));
    }

    [Fact]
    public async Task A_writer_that_lost_the_instance_never_overwrites_the_new_owners_last_row_even_with_more_history_rows_than_a_transaction_holds()
    {
        await using var host = await TestHost.StartAsync(azurite, _ => { }, configure: o => o.WorkerEnabled = false);
        var store = host.Hub.Store;
        string id = "zombie-rows-" + Guid.NewGuid().ToString("N")[..8];
        InstanceState State(int count, long version) => new() { InstanceId = id, Generation = 1, ExecutionId = "e1", HistoryCount = count, StepVersion = version };

        var first = await store.CommitAsync(new StepCommit(State(2, 1), null, 0, [new OrchestratorStartedEvent(), new TimerFiredEvent(1, default)], [], []), CancellationToken.None);
        await store.CommitAsync(new StepCommit(State(3, 2), first.ETag, 2, [new TimerFiredEvent(2, default)], [], []) { Tail = first.Tail }, CancellationToken.None);

        // The old owner's step: one small event that joins the last row, then 120 events each too large to share a row.
        var events = new List<HistoryEvent> { new TimerFiredEvent(99, default) };
        events.AddRange(Enumerable.Range(0, 120).Select(i => new EventRaisedEvent("Large", new string('x', HistoryRows.MaxRowChars + 1))));
        var stale = store.CommitAsync(new StepCommit(State(2 + events.Count, 2), first.ETag, 2, events, [], []) { Tail = first.Tail }, CancellationToken.None);

        Assert.Equal(412, (await Assert.ThrowsAnyAsync<Azure.RequestFailedException>(() => stale)).Status);
        var loaded = await store.LoadAsync(id, CancellationToken.None);
        Assert.Equal([1, 2], loaded!.History.OfType<TimerFiredEvent>().Select(e => e.TimerId));
    }

    [Fact]
    public async Task Outbox_data_that_would_take_a_commit_past_the_transaction_size_limit_goes_to_blobs_and_loads_back_whole()
    {
        await using var host = await TestHost.StartAsync(azurite, _ => { }, configure: o => o.WorkerEnabled = false);
        var store = host.Hub.Store;
        string id = "large-outbox-" + Guid.NewGuid().ToString("N")[..8];
        // 40 rows (the planner's most) of 29,000 Chinese characters: each within the inline limit on its own, but 174,000 bytes each in a request (escaped), 7 MB together: past the 4 MiB a transaction holds.
        string text = new('议', 29_000);
        var outbox = Enumerable.Range(0, Runtime.StepPlan.MaxOutboxRows).Select(i => new OutboxEntry($"{TaskHubStore.OutboxPrefix}{1:D10}|{i:D4}", 1,
            new MessageOutboxItem(new TaskMessage($"m{i}", "other", new EventRaisedEvent("E", text))))).ToList();
        var state = new InstanceState { InstanceId = id, Generation = 1, ExecutionId = "e1", HistoryCount = 1, StepVersion = 1 };

        await store.CommitAsync(new StepCommit(state, null, 0, [new OrchestratorStartedEvent()], outbox, []), CancellationToken.None);

        long inline = 0;
        await foreach (var row in store.History.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {TaskHubStore.OutboxPrefix} and RowKey lt {"2"}")))
        {
            inline += TaskHubStore.WireBytes(row.GetString("Data"));
        }

        Assert.InRange(inline, 1, TaskHubStore.MaxInlineTransactionBytes);
        var loaded = await store.LoadAsync(id, CancellationToken.None);
        Assert.Equal(Runtime.StepPlan.MaxOutboxRows, loaded!.Outbox.Count);
        Assert.All(loaded.Outbox, o => Assert.Equal(text, ((EventRaisedEvent)((MessageOutboxItem)o.Item).Message.Event).Input));
    }

    [Fact]
    public async Task A_long_sequential_history_is_kept_in_few_rows_and_survives_a_new_host_and_events_too_large_to_share()
    {
        string hub = TestHost.NewHubName();
        static void Tasks(DurableTaskRegistry r) => r.AddOrchestrator<StepsAroundAWait>().AddActivity<Echo>();
        string id;
        int eventsBefore;
        await using (var first = await TestHost.StartAsync(azurite, Tasks, hubName: hub))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(StepsAroundAWait), 40);
            var waiting = await first.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Go"));
            eventsBefore = waiting.HistoryEventCount;
        }

        // A new host loads the instance from storage: the last row it extends is rebuilt from the stored state.
        await using var second = await TestHost.StartAsync(azurite, Tasks, hubName: hub);
        await second.Client.RaiseEventAsync(id, "Go", "now");
        var done = await second.WaitForCompletionAsync(id, TimeSpan.FromMinutes(2));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var history = await second.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(done.HistoryEventCount, history.Count);
        Assert.True(history.Count > eventsBefore);
        Assert.Equal(80, history.OfType<TaskCompletedEvent>().Count());
        Assert.IsType<OrchestratorStartedEvent>(history[0]);
        Assert.IsType<ExecutionStartedEvent>(history[1]);
        Assert.IsType<ExecutionCompletedEvent>(history[^1]);
        Assert.Contains(history.OfType<TaskCompletedEvent>(), e => e.Result!.Length > 40_000);

        second.Hub.HistoryCache.Clear();
        string executionId = Assert.Single(await second.Client.GetExecutionIdsAsync(id));
        var byExecution = await second.Client.GetInstanceHistoryAsync(id, executionId);
        Assert.Equal(history.Select(e => (e.EventType, e.EventId)), byExecution.Select(e => (e.EventType, e.EventId)));

        var rows = new List<TableEntity>();
        await foreach (var row in second.Hub.Store.History.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {id} and RowKey ge {TaskHubStore.HistoryPrefix} and RowKey lt {TaskHubStore.HistoryEnd}"), select: ["RowKey"]))
        {
            rows.Add(row);
        }

        // Over 300 events: one row each before; now 100 to a row, plus the four large events' own rows and the
        // short rows they close.
        Assert.True(history.Count > 300, $"{history.Count} events");
        Assert.InRange(rows.Count, 4, 12);
    }
}
