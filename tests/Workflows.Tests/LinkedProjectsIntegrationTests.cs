using Governance.Durable;
using Governance.TestSupport;
using Governance.Workflows.Catalog;
using Governance.Workflows.Common;
using Governance.Workflows.CommunityProjects;
using Governance.Workflows.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Governance.Workflows.Tests;

/// <summary>A parent process starting a <c>community-project</c> of its own, on the real runtime and Azurite.</summary>
public sealed class LinkedProjectsIntegrationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2027, 3, 1, 1, 0, 0, TimeSpan.Zero);

    private static ProjectLifecycleInput Project() => new("东宝区泉口街道", "浏河社区", 2027, "楼道照明改造", PerProjectCap: 20_000m);

    [Fact]
    public async Task The_parent_and_its_project_show_each_other_and_a_second_start_with_the_same_key_starts_nothing()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, Start, d => d.AddTasks(r => r.AddOrchestrator<LinkingParent>()));
        const string parent = "liuhe-estate-1";
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(LinkingParent), Project(), new StartOrchestrationOptions(parent));
        var parentDone = await host.Driver.WaitForCompletionAsync(parent);

        string child = LinkedProjects.InstanceId(parent, "2027-1");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, parentDone.RuntimeStatus);
        Assert.Equal(child, parentDone.ReadOutputAs<string>());
        var parentLink = Assert.Single(parentDone.ReadCustomStatusAs<WorkflowStatus>()!.Links!);
        Assert.Equal(new ProcessLink(child, ProjectLifecycleOrchestrator.WorkflowName, ProcessLink.Child), parentLink);

        // The project waits for its needs survey, showing its parent in status, tags and start input.
        var project = await host.Driver.WaitForStepAsync(child, nameof(NeedsSurveyCompleted));
        Assert.Equal(new ProcessLink(parent, "test-parent", ProcessLink.Parent), Assert.Single(project.ReadCustomStatusAs<WorkflowStatus>()!.Links!));
        Assert.Equal(parent, project.Tags[LinkedProjects.ParentTag]);
        Assert.Equal("test-parent", project.Tags[LinkedProjects.ParentWorkflowTag]);
        Assert.Equal("浏河社区", project.Tags["community"]);
        Assert.Equal(parent, project.ReadInputAs<ProjectLifecycleInput>()!.Parent!.InstanceId);
        var history = await host.Client.GetInstanceHistoryAsync(parent);
        Assert.Equal(2, history.OfType<TaskScheduledEvent>().Count(e => e.Name == nameof(StartLinkedProjectActivity)));
        Assert.Single(await host.Client.GetAllInstancesAsync(new OrchestrationQuery { Tags = new Dictionary<string, string> { [LinkedProjects.ParentTag] = parent } }).ToListAsync());
    }

    [Fact]
    public async Task A_retried_start_leaves_a_finished_project_finished()
    {
        await using var host = await FakeClockHost.StartAsync(azurite, Start);
        var activity = new StartLinkedProjectActivity(host.Client, NullLogger<StartLinkedProjectActivity>.Instance);
        var start = new LinkedProjectStart("liuhe-estate-2", "test-parent", "2027-1", Project());
        var link = await activity.RunAsync(new FakeActivityContext(), start);
        await host.Driver.WaitForStepAsync(link.InstanceId, nameof(NeedsSurveyCompleted));
        await host.Client.TerminateInstanceAsync(link.InstanceId, "withdrawn");
        await host.Driver.WaitForCompletionAsync(link.InstanceId);

        Assert.Equal(link, await activity.RunAsync(new FakeActivityContext(), start));
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await host.Client.GetInstanceAsync(link.InstanceId))!.RuntimeStatus);
        Assert.Single(await host.Client.GetExecutionIdsAsync(link.InstanceId));
    }

    private sealed class FakeActivityContext : TaskActivityContext
    {
        public override TaskName Name => nameof(StartLinkedProjectActivity);

        public override string InstanceId => "liuhe-estate-2";
    }
}

/// <summary>A minimal parent: starts the same linked project twice (as a retry would) and ends with its id.</summary>
internal sealed class LinkingParent : TaskOrchestrator<ProjectLifecycleInput, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, ProjectLifecycleInput input)
    {
        var tracker = new ProcessTracker(context, new ProcessKey("test-parent", input.Street, input.Community, input.Year, null), EscalationOffsets.Default);
        var first = await LinkedProjects.StartAsync(tracker, "2027-1", input);
        var again = await LinkedProjects.StartAsync(tracker, "2027-1", input);
        return first == again ? first.InstanceId : "different";
    }
}
