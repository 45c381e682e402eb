using Governance.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Governance.Durable.Tests.Fidelity;

/// <summary>A failure deep in a call tree keeps every level's details, properties and type, and the worker logs its lifecycle.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class FailureDetailsTests(AzuriteFixture azurite)
{
    public sealed class OutOfRangeForTest(string paramName, object? actualValue, string message)
        : ArgumentOutOfRangeException(paramName, actualValue, message);

    private sealed class OutOfRangeProperties : IExceptionPropertiesProvider
    {
        public IDictionary<string, object?>? GetExceptionProperties(Exception exception) => exception is ArgumentOutOfRangeException e
            ? new Dictionary<string, object?> { ["Name"] = e.ParamName, ["Value"] = e.ActualValue }
            : null;
    }

    [Fact]
    public async Task An_activity_failure_two_levels_down_keeps_its_details_properties_and_type()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestHost.StartAsync(
            azurite,
            r => r
                .AddOrchestratorFunc("Parent", context => context.CallSubOrchestratorAsync("Middle", new TaskOptions().WithInstanceId(context.InstanceId + "-middle")))
                .AddOrchestratorFunc("Middle", context => context.CallActivityAsync("Throws"))
                .AddActivityFunc("Throws", _ => throw new OutOfRangeForTest("nestedParameter", "badValue", "Nested parameter is out of range.")),
            services: s =>
            {
                s.AddSingleton<IExceptionPropertiesProvider, OutOfRangeProperties>();
                s.AddSingleton<ILoggerProvider>(logs);
                s.Configure<LoggerFilterOptions>(o => o.AddFilter(WorkerDiagnostics.Category, LogLevel.Information));
            });

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent");
        var done = await host.WaitForCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        var parent = done.FailureDetails!;
        Assert.Equal(typeof(TaskFailedException).FullName, parent.ErrorType);
        Assert.Contains("Middle", parent.ErrorMessage);
        var middle = parent.InnerFailure!;
        Assert.Equal(typeof(TaskFailedException).FullName, middle.ErrorType);
        Assert.Contains("Throws", middle.ErrorMessage);
        var activity = middle.InnerFailure!;
        Assert.Equal(typeof(OutOfRangeForTest).FullName, activity.ErrorType);
        Assert.Contains("Nested parameter is out of range.", activity.ErrorMessage);
        Assert.Equal("nestedParameter", activity.Properties!["Name"]);
        Assert.Equal("badValue", activity.Properties["Value"]);

        Assert.True(parent.IsCausedBy<TaskFailedException>());
        Assert.True(middle.IsCausedBy(typeof(TaskFailedException)));
        Assert.True(activity.IsCausedBy<ArgumentOutOfRangeException>()); // a subtype defined in this test assembly
        Assert.True(activity.IsCausedBy(typeof(ArgumentException)));
        Assert.False(activity.IsCausedBy<InvalidOperationException>());
        Assert.False(parent.IsCausedBy<ArgumentOutOfRangeException>());
        Assert.True(parent.HasCause<ArgumentOutOfRangeException>());
        Assert.Throws<ArgumentException>(() => parent.IsCausedBy(typeof(string)));

        var worker = logs.Entries.Where(l => l.Category == WorkerDiagnostics.Category).ToList();
        Assert.Single(worker, l => l.EventId.Name == "OrchestrationStarted" && Equals(l.Values["InstanceId"], id) && Equals(l.Values["Name"], "Parent"));
        Assert.Single(worker, l => l.EventId.Name == "ActivityStarted" && Equals(l.Values["InstanceId"], id + "-middle") && Equals(l.Values["Name"], "Throws"));
        Assert.Single(worker, l => l.EventId.Name == "ActivityFailed" && l.Exception is OutOfRangeForTest && Equals(l.Values["Name"], "Throws"));
        Assert.Single(worker, l => l.EventId.Name == "OrchestrationFailed" && l.Exception is TaskFailedException && Equals(l.Values["InstanceId"], id));
    }

    [Fact]
    public async Task A_completed_orchestration_and_activity_are_logged_once_even_when_steps_replay()
    {
        var logs = new CapturingLoggerProvider();
        await using var host = await TestHost.StartAsync(
            azurite,
            r => r.AddOrchestratorFunc("Twice", async context => await context.CallActivityAsync<int>("One") + await context.CallActivityAsync<int>("One"))
                .AddActivityFunc("One", _ => 1),
            configure: o => o.InstanceCacheSize = 0,
            services: s =>
            {
                s.AddSingleton<ILoggerProvider>(logs);
                s.Configure<LoggerFilterOptions>(o => o.AddFilter(WorkerDiagnostics.Category, LogLevel.Information));
            });

        string id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Twice");
        Assert.Equal(2, (await host.WaitForCompletionAsync(id)).ReadOutputAs<int>());

        var worker = logs.Entries.Where(l => l.Category == WorkerDiagnostics.Category && Equals(l.Values["InstanceId"], id)).ToList();
        Assert.Single(worker, l => l.EventId.Name == "OrchestrationStarted");
        Assert.Single(worker, l => l.EventId.Name == "OrchestrationCompleted");
        Assert.Equal(2, worker.Count(l => l.EventId.Name == "ActivityStarted"));
        Assert.Equal(2, worker.Count(l => l.EventId.Name == "ActivityCompleted"));
    }
}
