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

    [Fact]
    public async Task A_start_that_meets_a_storage_hiccup_is_retried_on_the_durable_clock()
    {
        var flaky = new FlakyStart();
        await using var host = await FakeClockHost.StartAsync(azurite, Start, d => d.AddTasks(r => r
            .AddOrchestrator<LinkingParent>()
            .AddActivity(nameof(StartLinkedProjectActivity), () => flaky)));
        flaky.Client = host.Client;
        const string parent = "liuhe-estate-3";
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(LinkingParent), Project(), new StartOrchestrationOptions(parent));

        var done = await host.Driver.WaitForCompletionAsync(parent);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(LinkedProjects.InstanceId(parent, "2027-1"), done.ReadOutputAs<string>());
        Assert.Equal(1, flaky.Failures);
        Assert.NotNull(await host.Client.GetInstanceAsync(LinkedProjects.InstanceId(parent, "2027-1")));
    }

    [Fact]
    public void A_key_is_the_year_and_the_project_s_own_name_kept_valid_and_distinct()
    {
        Assert.Equal("2027-楼道照明改造", LinkedProjects.KeyFor(2027, " 楼道照明改造 "));
        string odd = LinkedProjects.KeyFor(2027, "A/B#1?");
        Assert.StartsWith("2027-A_B_1_~", odd);
        Assert.NotEqual(odd, LinkedProjects.KeyFor(2027, "A?B/1#"));
        Assert.Null(Governance.Durable.Storage.InstanceIds.Validate(LinkedProjects.InstanceId("parent", odd)));
        Assert.True(LinkedProjects.KeyFor(2027, new string('长', 300)).Length <= 5 + 64 + 9);
    }

    /// <summary>The real start activity, failing its first attempt as a storage hiccup would.</summary>
    private sealed class FlakyStart : TaskActivity<LinkedProjectStart, ProcessLink>
    {
        public DurableTaskClient? Client { get; set; }

        public int Failures { get; private set; }

        public override Task<ProcessLink> RunAsync(TaskActivityContext context, LinkedProjectStart input)
        {
            if (Failures == 0)
            {
                Failures++;
                throw new InvalidOperationException("storage unavailable");
            }

            return new StartLinkedProjectActivity(Client!, NullLogger<StartLinkedProjectActivity>.Instance).RunAsync(context, input);
        }
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
