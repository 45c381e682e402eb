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
