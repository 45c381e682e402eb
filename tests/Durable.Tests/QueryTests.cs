using Governance.TestSupport;

namespace Governance.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class QueryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Every_filter_and_paging_with_continuation_tokens_work()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestrator<WaitForTwoEvents>().AddOrchestrator<HelloCities>().AddActivity<SayHello>());
        var client = host.Client;
        DateTimeOffset before = host.Hub.Clock.GetUtcNow().AddSeconds(-1);
        var started = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            var tags = new Dictionary<string, string> { ["street"] = "qingyuan", ["community"] = i % 2 == 0 ? "kangLongYuan" : "xingHuaYuan", ["year"] = "2026" };
            started.Add(await client.ScheduleNewOrchestrationInstanceAsync(nameof(WaitForTwoEvents), null, new StartOrchestrationOptions($"round-{i}") { Tags = tags }));
        }

        string hello = await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloCities), null, new StartOrchestrationOptions("other-1"));
        await host.WaitForCompletionAsync(hello);
        foreach (string id in started)
        {
            await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("First"));
        }

        async Task<List<OrchestrationMetadata>> All(OrchestrationQuery q)
        {
            var list = new List<OrchestrationMetadata>();
            await foreach (var m in client.GetAllInstancesAsync(q))
            {
                list.Add(m);
            }

            return list;
        }

        Assert.Equal(8, (await All(new OrchestrationQuery())).Count);
        Assert.Equal(7, (await All(new OrchestrationQuery { Name = nameof(WaitForTwoEvents) })).Count);
        Assert.Equal(["other-1"], (await All(new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Completed]))).Select(m => m.InstanceId));
        Assert.Equal(7, (await All(new OrchestrationQuery(Statuses: [OrchestrationRuntimeStatus.Running]))).Count);
        Assert.Equal(7, (await All(new OrchestrationQuery(InstanceIdPrefix: "round-"))).Count);
        Assert.Equal(8, (await All(new OrchestrationQuery(CreatedFrom: before))).Count);
        Assert.Empty(await All(new OrchestrationQuery(CreatedTo: before)));
        Assert.Equal(7, (await All(new OrchestrationQuery { CustomStatusPrefix = "{\"step\":\"waiting for first" })).Count);
        var kangLongYuan = await All(new OrchestrationQuery { Tags = new Dictionary<string, string> { ["community"] = "kangLongYuan", ["year"] = "2026" } });
        Assert.Equal(["round-0", "round-2", "round-4", "round-6"], kangLongYuan.Select(m => m.InstanceId).Order());
        Assert.All(kangLongYuan, m => Assert.Equal("qingyuan", m.Tags["street"]));

        // Paging: three pages of 3, 3 and 2 with continuation tokens.
        var pages = new List<int>();
        string? token = null;
        do
        {
            await foreach (var page in client.GetAllInstancesAsync(new OrchestrationQuery(PageSize: 3)).AsPages(token, 3))
            {
                pages.Add(page.Values.Count);
                token = page.ContinuationToken;
                break;
            }
        }
        while (token is not null);
        Assert.Equal(8, pages.Sum());
        Assert.All(pages, count => Assert.True(count <= 3));

        var counts = await client.CountInstancesAsync();
        Assert.Equal(7, counts[OrchestrationRuntimeStatus.Running]);
        Assert.Equal(1, counts[OrchestrationRuntimeStatus.Completed]);

        var purged = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(CreatedFrom: before));
        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await client.GetInstanceAsync("other-1"));
    }

    [Fact]
    public async Task A_yearly_process_that_continues_with_new_tags_is_found_by_its_current_year_only()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestrator<YearByYear>());
        string id = "yearly-" + Guid.NewGuid().ToString("N")[..8];
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(YearByYear), 2026,
            new StartOrchestrationOptions(id) { Tags = new Dictionary<string, string> { ["community"] = id, ["year"] = "2026" } });

        var now = await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Go") && m.Tags.GetValueOrDefault("year") == "2028");

        Assert.Equal(id, now.Tags["community"]);
        async Task<List<string>> ByYear(string year)
        {
            var ids = new List<string>();
            await foreach (var m in host.Client.GetAllInstancesAsync(new OrchestrationQuery { Tags = new Dictionary<string, string> { ["community"] = id, ["year"] = year } }))
            {
                ids.Add(m.InstanceId);
            }

            return ids;
        }

        Assert.Equal([id], await ByYear("2028"));
        Assert.Empty(await ByYear("2026"));
        Assert.Equal(3, (await host.Client.GetExecutionIdsAsync(id)).Count);
    }
    [Fact]
    public async Task A_sub_orchestration_with_invalid_tags_fails_its_parent_naming_the_tags_rule()
    {
        // Checked in the orchestrator's code: it used to reach storage after the commit and end as a poison message.
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestrator<TooManyChildTags>().AddOrchestrator<YearByYear>());
        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(TooManyChildTags));

        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains($"At most {InstanceTags.MaxCount} tags", done.FailureDetails!.ErrorMessage);
        Assert.Null(await host.Client.GetInstanceAsync(id + "-child"));
    }
}

/// <summary>One execution per year, 2026 to 2028, each tagged with its own year; 2028 waits.</summary>
public sealed class YearByYear : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int year)
    {
        if (year < 2028)
        {
            context.ContinueAsNew(new ContinueAsNewOptions
            {
                NewInput = year + 1,
                NewTags = new Dictionary<string, string> { ["community"] = context.InstanceId, ["year"] = (year + 1).ToString() },
            });
            return year;
        }

        await context.WaitForExternalEvent<string>("Go");
        return year;
    }
}

/// <summary>Starts a child with more tags than an instance may have.</summary>
public sealed class TooManyChildTags : TaskOrchestrator<object?, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, object? input)
        => context.CallSubOrchestratorAsync<string>(nameof(YearByYear), 2028, new SubOrchestrationOptions(instanceId: context.InstanceId + "-child")
        {
            Tags = Enumerable.Range(0, InstanceTags.MaxCount + 1).ToDictionary(i => "k" + i, i => "v"),
        });
}
