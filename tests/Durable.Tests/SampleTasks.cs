using Governance.Durable;

namespace Governance.Durable.Tests;

public sealed class SayHello : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult($"Hello {input}!");
}

/// <summary>The classic sequence: five activities one after another.</summary>
public sealed class HelloCities : TaskOrchestrator<object?, List<string>>
{
    public override async Task<List<string>> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var results = new List<string>();
        foreach (string city in new[] { "Beijing", "Nanjing", "Xiamen", "Nantong", "Jingmen" })
        {
            results.Add(await context.CallActivityAsync<string>(nameof(SayHello), city));
        }

        return results;
    }
}

public sealed class FanOutFanIn : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int count)
    {
        var tasks = Enumerable.Range(1, count).Select(i => context.CallActivityAsync<int>(nameof(Square), i));
        int[] squares = await Task.WhenAll(tasks);
        return squares.Sum();
    }
}

public sealed class Square : TaskActivity<int, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, int input) => Task.FromResult(input * input);
}

/// <summary>Waits for a durable timer <c>days</c> ahead, then reports the replay-safe time.</summary>
public sealed class SleepDays : TaskOrchestrator<double, DateTime>
{
    public override async Task<DateTime> RunAsync(TaskOrchestrationContext context, double days)
    {
        await context.CreateTimer(context.CurrentUtcDateTime.AddDays(days), CancellationToken.None);
        return context.CurrentUtcDateTime;
    }
}

public sealed record Approval(string By, bool Approved);

/// <summary>Waits for an approval event, or gives up after a timeout timer.</summary>
public sealed class ApprovalWithTimeout : TaskOrchestrator<double, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, double timeoutDays)
    {
        try
        {
            var approval = await context.WaitForExternalEvent<Approval>("Approval", TimeSpan.FromDays(timeoutDays));
            return approval.Approved ? $"approved by {approval.By}" : $"rejected by {approval.By}";
        }
        catch (TaskCanceledException)
        {
            return "timed out";
        }
    }
}

public sealed class WaitForTwoEvents : TaskOrchestrator<object?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        context.SetCustomStatus(new { step = "waiting for first" });
        string first = await context.WaitForExternalEvent<string>("First");
        context.SetCustomStatus(new { step = "waiting for second" });
        string second = await context.WaitForExternalEvent<string>("Second");
        return first + "+" + second;
    }
}

public sealed class Parent : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string mode)
    {
        try
        {
            string child = await context.CallSubOrchestratorAsync<string>(nameof(Child), mode, new SubOrchestrationOptions(instanceId: context.InstanceId + ":child"));
            return "child said " + child;
        }
        catch (TaskFailedException ex)
        {
            return "child failed: " + ex.FailureDetails.ErrorMessage;
        }
    }
}

public sealed class Child : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string mode)
    {
        string hello = await context.CallActivityAsync<string>(nameof(SayHello), "child");
        return mode == "fail" ? throw new InvalidOperationException("the child refused") : hello;
    }
}

/// <summary>Fails the first <c>failures</c> times per instance, then succeeds; counts attempts.</summary>
public sealed class Flaky(AttemptCounter counter) : TaskActivity<int, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, int failures)
    {
        int attempt = counter.Next(context.InstanceId);
        return attempt <= failures ? throw new TimeoutException($"attempt {attempt} failed") : Task.FromResult($"succeeded on attempt {attempt}");
    }
}

public sealed class AttemptCounter
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> counts = new();

    public int Next(string key) => counts.AddOrUpdate(key, 1, (_, n) => n + 1);

    public int Get(string key) => counts.GetValueOrDefault(key);
}

public sealed class RetryingOrchestrator : TaskOrchestrator<int, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, int failures)
        => context.CallActivityAsync<string>(nameof(Flaky), failures, TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(1), backoffCoefficient: 2)));
}

public sealed record CounterState(int Total, int Generation);

/// <summary>An endless process: adds each "Add" event, continues as new every 3 events, stops on a negative amount.</summary>
public sealed class EternalCounter : TaskOrchestrator<CounterState, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, CounterState state)
    {
        int total = state.Total;
        for (int i = 0; i < 3; i++)
        {
            int amount = await context.WaitForExternalEvent<int>("Add");
            if (amount < 0)
            {
                return total;
            }

            total += amount;
        }

        context.ContinueAsNew(new CounterState(total, state.Generation + 1), preserveUnprocessedEvents: true);
        return total;
    }
}

/// <summary>An approval with a deadline, then a second wait: the cancelled deadline timer must not show up later.</summary>
public sealed class ApproveThenClose : TaskOrchestrator<object?, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, object? input)
    {
        var approval = await context.WaitForExternalEvent<Approval>("Approval", TimeSpan.FromDays(5));
        string closing = await context.WaitForExternalEvent<string>("Close");
        return $"{approval.By}: {closing}";
    }
}
