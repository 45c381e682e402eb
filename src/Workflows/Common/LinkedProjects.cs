using Governance.Durable;
using Governance.Workflows.CommunityProjects;
using Microsoft.Extensions.Logging;

namespace Governance.Workflows.Common;

/// <summary>
/// A link between two process instances, shown in both custom statuses (<see cref="WorkflowStatus.Links"/>) and kept
/// in both histories: the parent's in the activity's input and result, the child's in its start input.
/// <see cref="Relation"/> is "parent" or "child" as seen from the instance showing it.
/// </summary>
public sealed record ProcessLink(string InstanceId, string Workflow, string Relation)
{
    public const string Parent = "parent";
    public const string Child = "child";
}

/// <summary>
/// Input of <see cref="StartLinkedProjectActivity"/>: the parent process, a key unique within the parent (e.g.
/// "2027-1", so it stays unique across the parent's ContinueAsNew generations) and the project to start.
/// </summary>
public sealed record LinkedProjectStart(string ParentInstanceId, string ParentWorkflow, string Key, ProjectLifecycleInput Project);

/// <summary>
/// Lets any process (an estate committee, the joint committee…) start a <c>community-project</c> of its own without
/// waiting for it: the project runs as a separate instance with a deterministic id, linked both ways. The parent
/// calls <see cref="StartAsync"/>; the project shows the link because its input carries <see cref="ProjectLifecycleInput.Parent"/>.
/// </summary>
public static class LinkedProjects
{
    /// <summary>Tag keys the child carries so it can be found from the parent (values longer than a tag allows are left out; the input keeps them).</summary>
    public const string ParentTag = "parentInstance";
    public const string ParentWorkflowTag = "parentWorkflow";

    /// <summary>The project's instance id: the same parent and key always give the same id, so a retried start finds the first.</summary>
    public static string InstanceId(string parentInstanceId, string key) => $"{parentInstanceId}:project:{key}";

    /// <summary>Starts the project (idempotent) and shows the link in the parent's status.</summary>
    public static async Task<ProcessLink> StartAsync(ProcessTracker tracker, string key, ProjectLifecycleInput project)
    {
        var link = await tracker.Context.CallActivityAsync<ProcessLink>(nameof(StartLinkedProjectActivity),
            new LinkedProjectStart(tracker.Context.InstanceId, tracker.Key.Workflow, key, project));
        tracker.Link(link);
        return link;
    }

    /// <summary>The tags of the linked project: the project's own search tags plus the parent's id and process.</summary>
    public static Dictionary<string, string> Tags(LinkedProjectStart start, ProjectLifecycleInput input)
    {
        var tags = new Dictionary<string, string>(CommunityProjectsCatalog.Project.TagsFromInput(input));
        if (start.ParentInstanceId.Length <= InstanceTags.MaxValueLength)
        {
            tags[ParentTag] = start.ParentInstanceId;
        }

        if (start.ParentWorkflow.Length <= InstanceTags.MaxValueLength)
        {
            tags[ParentWorkflowTag] = start.ParentWorkflow;
        }

        return tags;
    }
}

/// <summary>
/// Starts a linked <c>community-project</c> through the client. Idempotent: when the id already exists (a retry, or
/// a replayed parent) the existing instance is left alone, even if it has finished, and the same link is returned.
/// </summary>
public sealed class StartLinkedProjectActivity(DurableTaskClient client, ILogger<StartLinkedProjectActivity> logger) : TaskActivity<LinkedProjectStart, ProcessLink>
{
    public override async Task<ProcessLink> RunAsync(TaskActivityContext context, LinkedProjectStart input)
    {
        string id = LinkedProjects.InstanceId(input.ParentInstanceId, input.Key);
        var link = new ProcessLink(id, ProjectLifecycleOrchestrator.WorkflowName, ProcessLink.Child);
        if (await client.GetInstanceAsync(id) is not null)
        {
            return link;
        }

        var project = input.Project with { Parent = new ProcessLink(input.ParentInstanceId, input.ParentWorkflow, ProcessLink.Parent) };
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(ProjectLifecycleOrchestrator), project,
                new StartOrchestrationOptions(id) { Tags = LinkedProjects.Tags(input, project) });
            logger.LogInformation("Instance {Parent} started linked project {Project}.", input.ParentInstanceId, id);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Started meanwhile by an earlier attempt of this activity.
        }

        return link;
    }
}
