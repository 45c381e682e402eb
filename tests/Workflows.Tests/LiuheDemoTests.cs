using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.Incubation;
using Governance.Workflows.SelfManagement;
using Governance.Workflows.Tests.Support;

namespace Governance.Workflows.Tests;

/// <summary>The 浏河 demo scenarios run to their end on the real runtime and Azurite, with the fake clock instead of the demo's accelerated one.</summary>
public sealed class LiuheDemoTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = Domain.Calendar.ChinaTime.At(new DateOnly(2026, 3, 2), new TimeOnly(9, 0));

    [Fact]
    public async Task The_estate_committee_demo_elects_at_the_second_assembly_with_a_run_off()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, Start);
        var driver = new FakeClockDemoDriver(host);
        await new LiuheEstateCommitteeDemo(host.Clock).RunAsync(driver, CancellationToken.None);

        string id = Assert.Single(driver.Started);
        var status = (await host.Client.GetInstanceAsync(id))!.ReadCustomStatusAs<WorkflowStatus>()!;
        Assert.Contains(status.Links!, l => l.Workflow == CommunityProjects.ProjectLifecycleOrchestrator.WorkflowName);
        var history = await host.Client.GetInstanceHistoryAsync(id);
        Assert.Equal(2, history.OfType<SubmissionEvent>().Count(e => e.Name == ElectionSteps.AssemblyEvent && e.Decision!.Status == SubmissionStatus.Accepted));
        Assert.Contains(history.OfType<SubmissionEvent>(), e => e.Name == ElectionSteps.RunOffEvent && e.Decision!.Status == SubmissionStatus.Accepted);
    }

    [Fact]
    public async Task The_incubation_demo_graduates_its_organisation()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, Start);
        var driver = new FakeClockDemoDriver(host);
        await new LiuheIncubationDemo(host.Clock).RunAsync(driver, CancellationToken.None);

        var done = (await host.Client.GetInstanceAsync(Assert.Single(driver.Started), getInputsAndOutputs: true))!;
        Assert.Equal(IncubationResult.Graduated, done.ReadOutputAs<IncubationReport>()!.Result);
    }

    /// <summary>IDemoDriver on the client and the fake-clock driver (the service's own driver goes through HTTP on the accelerated clock).</summary>
    private sealed class FakeClockDemoDriver(FakeClockHost host) : IDemoDriver
    {
        private readonly IWorkflowCatalog catalog = new GovernanceWorkflowCatalog([SelfManagementCatalog.EstateCommittee, IncubationCatalog.Incubation]);

        public List<string> Started { get; } = [];

        public async Task<string> StartAsync(string workflowName, object input, string? instanceId, CancellationToken cancellationToken)
        {
            var definition = catalog.Find(workflowName)!;
            string id = await host.Client.ScheduleNewOrchestrationInstanceAsync(definition.OrchestratorName, input,
                new StartOrchestrationOptions(instanceId ?? "demo-" + Guid.NewGuid().ToString("N")[..8]) { Tags = definition.TagsFromInput(input) }, cancellationToken);
            Started.Add(id);
            return id;
        }

        public async Task WaitForStepAsync(string instanceId, string eventName, CancellationToken cancellationToken)
        {
            // A sub-instance (a problem) exists only once its parent has started it.
            await Eventually.UntilAsync(() => host.Client.GetInstanceAsync(instanceId, cancellation: cancellationToken), m => m is not null,
                $"{instanceId} to be started", pollMilliseconds: 20, cancellationToken: cancellationToken);

            await host.Driver.WaitForStepAsync(instanceId, eventName);
        }

        public async Task SubmitAsync(string instanceId, string eventName, object payload, CancellationToken cancellationToken, string? stepToken = null)
        {
            for (int attempt = 1; ; attempt++)
            {
                var outcome = await host.Client.SubmitAsync(instanceId, eventName, payload, new SubmitOptions { StepToken = stepToken }, cancellationToken);
                if (outcome.Status == SubmissionStatus.Accepted)
                {
                    return;
                }

                // Like the service's driver: a step not open yet (or this occurrence not yet) is waited for and submitted again.
                Assert.True(outcome.Status != SubmissionStatus.Rejected && attempt < 20, $"{eventName} to {instanceId}: {outcome.Status} {outcome.Decision?.Rule} {outcome.Decision?.MessageEn}");
                if (stepToken is null)
                {
                    await host.Driver.WaitForStepAsync(instanceId, eventName);
                }
                else
                {
                    await host.Driver.AdvanceUntilAsync(instanceId, s => s.OpenSteps.Any(o => o.StepToken == stepToken));
                }
            }
        }

        public Task WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken) => host.Driver.WaitForCompletionAsync(instanceId);

        public void Say(string line)
        {
        }
    }
}
