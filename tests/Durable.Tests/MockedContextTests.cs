using Moq;

namespace Governance.Durable.Tests;

/// <summary>The context is abstract/virtual, so orchestrator logic can be unit-tested with a mock, without storage.</summary>
public sealed class MockedContextTests
{
    [Fact]
    public async Task An_orchestrator_runs_against_a_mocked_context()
    {
        var context = new Mock<TaskOrchestrationContext>();
        context.Setup(c => c.CallActivityAsync<string>(It.Is<TaskName>(n => n.Name == nameof(SayHello)), It.IsAny<object?>(), null))
            .Returns((TaskName _, object? city, TaskOptions? _) => Task.FromResult($"Hi {city}"));

        var result = await new HelloCities().RunAsync(context.Object, null);

        Assert.Equal(5, result.Count);
        Assert.Equal("Hi Beijing", result[0]);
        context.Verify(c => c.CallActivityAsync<string>(It.IsAny<TaskName>(), It.IsAny<object?>(), null), Times.Exactly(5));
    }

    [Fact]
    public async Task The_timeout_overload_of_WaitForExternalEvent_is_built_on_the_abstract_members()
    {
        var context = new Mock<TaskOrchestrationContext> { CallBase = true };
        var never = new TaskCompletionSource<Approval>();
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc));
        context.Setup(c => c.WaitForExternalEvent<Approval>("Approval", It.IsAny<CancellationToken>())).Returns(never.Task);
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);

        string outcome = await new ApprovalWithTimeout().RunAsync(context.Object, 5);

        Assert.Equal("timed out", outcome);
        context.Verify(c => c.CreateTimer(new DateTime(2026, 3, 7, 0, 0, 0, DateTimeKind.Utc), It.IsAny<CancellationToken>()));
    }
}
