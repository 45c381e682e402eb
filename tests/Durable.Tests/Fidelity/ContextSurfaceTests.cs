using Governance.TestSupport;
using Microsoft.Extensions.Logging;
using Moq;
using Moq.Protected;

namespace Governance.Durable.Tests.Fidelity;

/// <summary>Context members of Microsoft.DurableTask beyond the basics: custom retry, continue as a new version, activity version, cancellable timed waits.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class ContextSurfaceTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task A_custom_retry_handler_decides_each_retry_with_the_failure_and_the_attempt_number()
    {
        int calls = 0;
        await using var host = await TestHost.StartAsync(azurite, r => r
            .AddActivityFunc("Flaky", _ =>
            {
                if (Interlocked.Increment(ref calls) < 3)
                {
                    throw new TimeoutException($"attempt {calls}");
                }

                return "ok";
            })
            .AddActivityFunc("AlwaysFails", (TaskActivityContext _) => throw new InvalidOperationException("never works"))
            .AddOrchestratorFunc("RetriesByHandler", async context =>
            {
                var seen = new List<string>();
                var untilThird = TaskOptions.FromRetryHandler(retry =>
                {
                    seen.Add($"{retry.LastAttemptNumber}:{retry.LastFailure.IsCausedBy<TimeoutException>()}");
                    return retry.LastFailure.IsCausedBy<TimeoutException>() && retry.LastAttemptNumber < 5;
                });
                string result = await context.CallActivityAsync<string>("Flaky", untilThird);

                // An async handler may back off with a durable timer before answering.
                var twiceWithTimer = TaskOptions.FromRetryHandler(async retry =>
                {
                    await retry.OrchestrationContext.CreateTimer(TimeSpan.FromMilliseconds(1), CancellationToken.None);
                    seen.Add($"async {retry.LastAttemptNumber}");
                    return retry.LastAttemptNumber < 2;
                });
                try
                {
                    await context.CallActivityAsync("AlwaysFails", twiceWithTimer);
                }
                catch (TaskFailedException failed) when (failed.FailureDetails.IsCausedBy<InvalidOperationException>())
                {
                    seen.Add("gave up");
                }

                return $"{result} {string.Join(",", seen)}";
            }));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("RetriesByHandler");
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("ok 1:True,2:True,async 1,async 2,gave up", done.ReadOutputAs<string>());
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(5, history.OfType<TaskScheduledEvent>().Count());
        Assert.Equal(2, history.OfType<TimerCreatedEvent>().Count());
    }

    [Fact]
    public async Task ContinueAsNew_with_a_new_version_runs_the_next_execution_as_that_version()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r
            .AddOrchestratorFunc<int, string>("Migrating", "1", async (context, input) =>
            {
                await context.CreateTimer(TimeSpan.Zero, CancellationToken.None);
                context.ContinueAsNew(new ContinueAsNewOptions { NewVersion = "2", NewInput = input + 1 });
                return "never read";
            })
            .AddOrchestratorFunc<int, string>("Migrating", "2", (context, input) => Task.FromResult($"v{context.Version} got {input}")));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Migrating", 41, new StartOrchestrationOptions { Version = "1" });
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("v2 got 42", done.ReadOutputAs<string>());
        Assert.Equal("2", done.Version);
    }

    [Fact]
    public async Task An_activity_sees_the_version_of_the_orchestration_that_called_it()
    {
        await using var host = await TestHost.StartAsync(
            azurite,
            r => r.AddOrchestratorFunc("CallsVersioned", context => context.CallActivityAsync<string>("ReportsVersion"))
                .AddActivityFunc("ReportsVersion", context => $"activity of {context.Version}"),
            configure: o => o.DefaultVersion = "3.1");

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("CallsVersioned");

        Assert.Equal("activity of 3.1", (await host.WaitForCompletionAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task A_timed_wait_for_an_event_ends_with_the_event_or_when_its_token_is_cancelled()
    {
        await using var host = await TestHost.StartAsync(azurite, r => r.AddOrchestratorFunc("TimedWaits", async context =>
        {
            string first = await context.WaitForExternalEvent<string>("Answer", TimeSpan.FromDays(1), CancellationToken.None);
            using var cancel = new CancellationTokenSource();
            Task<string> second = context.WaitForExternalEvent<string>("Other", TimeSpan.FromDays(1), cancel.Token);
            cancel.Cancel();
            try
            {
                await second;
                return "not cancelled";
            }
            catch (TaskCanceledException)
            {
                return $"{first}, then cancelled";
            }
        }));

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("TimedWaits");
        await host.WaitUntilAsync(id, m => m.WaitingForEvents.Contains("Answer"));
        await host.Client.RaiseEventAsync(id, "Answer", "yes");
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal("yes, then cancelled", done.ReadOutputAs<string>());
        Assert.Null(done.NextTimerDueAt); // both timers were cancelled, none is left waiting
    }

    [Fact]
    public void Loggers_of_the_replay_safe_factory_write_only_when_not_replaying()
    {
        var written = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(b => b.AddProvider(written));
        bool replaying = true;
        var context = new Mock<TaskOrchestrationContext> { CallBase = true };
        context.SetupGet(c => c.IsReplaying).Returns(() => replaying);
        context.Protected().SetupGet<ILoggerFactory>("LoggerFactory").Returns(factory);

        ILogger logger = context.Object.ReplaySafeLoggerFactory.CreateLogger("Workflow");
        logger.LogWarning("while replaying");
        replaying = false;
        logger.LogWarning("live");

        Assert.Single(written.Entries);
        Assert.Equal("live", written.Entries[0].Values["{OriginalFormat}"]);
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("", "1.0", -1)]
    [InlineData("1.0", "", 1)]
    [InlineData("1.10", "1.9", 1)]
    [InlineData("2.0", "2.0", 0)]
    [InlineData("beta", "ALPHA", 1)]
    public void CompareVersionTo_orders_versions_as_Microsoft_DurableTask_does(string own, string other, int sign)
    {
        var context = new Mock<TaskOrchestrationContext> { CallBase = true };
        context.SetupGet(c => c.Version).Returns(own);

        Assert.Equal(sign, Math.Sign(context.Object.CompareVersionTo(other)));
    }
}
