namespace Governance.Durable.Tests.Fidelity;

/// <summary>Option types are built the way Microsoft.DurableTask code builds them.</summary>
public sealed class OptionsShapeTests
{
    private static readonly RetryPolicy ThreeTimes = new(3, TimeSpan.FromSeconds(1));

    [Fact]
    public void Sub_orchestration_options_take_retry_options_or_task_options_and_keep_what_they_were_given()
    {
        var fromRetry = new SubOrchestrationOptions(new TaskRetryOptions(ThreeTimes), "child-1");
        var versioned = new SubOrchestrationOptions { Version = "2", Tags = new Dictionary<string, string> { ["street"] = "Xinjie" } };

        var renamed = versioned.WithInstanceId("child-2");

        Assert.Same(ThreeTimes, fromRetry.Retry!.Policy);
        Assert.Equal("child-1", fromRetry.InstanceId);
        Assert.Equal("child-2", renamed.InstanceId);
        Assert.Equal("2", renamed.Version);
        Assert.Equal("Xinjie", renamed.Tags!["street"]);
        Assert.Equal("child-1", new SubOrchestrationOptions(fromRetry).InstanceId);
    }

    [Fact]
    public void Retry_options_hold_either_a_policy_or_a_handler()
    {
        TaskRetryOptions byPolicy = ThreeTimes;
        TaskRetryOptions byHandler = (RetryHandler)(context => context.LastAttemptNumber < 2);

        Assert.Same(ThreeTimes, byPolicy.Policy);
        Assert.Null(byPolicy.Handler);
        Assert.Null(byHandler.Policy);
        Assert.NotNull(TaskOptions.FromRetryHandler(_ => Task.FromResult(true)).Retry!.Handler);
    }
}

/// <summary>What a client reads from metadata means what it means in Microsoft.DurableTask.</summary>
public sealed class MetadataShapeTests
{
    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Running, true, false)]
    [InlineData(OrchestrationRuntimeStatus.Suspended, false, false)]
    [InlineData(OrchestrationRuntimeStatus.Pending, false, false)]
    [InlineData(OrchestrationRuntimeStatus.Completed, false, true)]
    [InlineData(OrchestrationRuntimeStatus.Failed, false, true)]
    [InlineData(OrchestrationRuntimeStatus.Terminated, false, true)]
    public void IsRunning_and_IsCompleted_follow_the_runtime_status(OrchestrationRuntimeStatus status, bool running, bool completed)
    {
        var metadata = new OrchestrationMetadata("Any", "id") { RuntimeStatus = status };

        Assert.Equal(running, metadata.IsRunning);
        Assert.Equal(completed, metadata.IsCompleted);
    }
}

public sealed class TaskVersionTests
{
    [Fact]
    public void A_TaskVersion_is_its_string_wherever_a_version_is_given()
    {
        var start = new StartOrchestrationOptions { Version = new TaskVersion("2.1") };
        var sub = new SubOrchestrationOptions { Version = TaskVersion.Unversioned };
        TaskVersion fromText = "3";

        Assert.Equal("2.1", start.Version);
        Assert.Equal(string.Empty, sub.Version);
        Assert.Equal("3", fromText.Version);
    }
}
