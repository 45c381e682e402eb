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
/// Input of <see cref="StartLinkedProjectActivity"/>: the parent process, a key unique within the parent (see
/// <see cref="LinkedProjects.KeyFor"/>: year and project name, so it stays unique across the parent's ContinueAsNew
/// generations) and the project to start.
/// </summary>
public sealed record LinkedProjectStart(string ParentInstanceId, string ParentWorkflow, string Key, ProjectLifecycleInput Project);

/// <summary>
/// Lets any process (an estate committee, the joint committee…) start a <c>community-project</c> of its own without
/// waiting for it: the project runs as a separate instance with a deterministic id, linked both ways. The parent
/// calls <see cref="StartAsync"/>; the project shows the link because its input carries <see cref="ProjectLifecycleInput.Parent"/>.
/// </summary>
public static class LinkedProjects
{
    /// <summary>
    /// Tag keys the child carries so it can be found from the parent (values longer than a tag allows are left out; the
    /// input keeps them). Every instance a process starts through an activity (projects, work orders) carries them: the
    /// console's linked instances find such children by this tag, as they find sub-orchestrations by the history.
    /// </summary>
    public const string ParentTag = "parentInstance";
    public const string ParentWorkflowTag = "parentWorkflow";

    /// <summary>The project's instance id: the same parent and key always give the same id, so a retried start finds the first.</summary>
    public static string InstanceId(string parentInstanceId, string key) => $"{parentInstanceId}:project:{key}";

    /// <summary>Starting an instance through the client can meet a storage hiccup: try a few times (durable timers between).</summary>
    private static readonly TaskOptions StartRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(15), 2));

    private const int MaxNameInKey = 64;

    /// <summary>
    /// The key of the project named <paramref name="projectName"/> in the parent's <paramref name="year"/>: taken from
    /// the project itself, never from its place in a list, so a replayed or re-run parent, a failed start before it or a
    /// longer list never gives it another project's id. The name is kept readable; characters an instance id may not
    /// hold are replaced and a long name cut, with a short hash of the whole name then added so two names stay apart.
    /// </summary>
    public static string KeyFor(int year, string projectName)
    {
        string name = projectName.Trim();
        var readable = new string(name.Select(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c) ? '_' : c).ToArray());
        if (readable.Length > MaxNameInKey)
        {
            readable = readable[..MaxNameInKey];
        }

        if (!string.Equals(readable, name, StringComparison.Ordinal))
        {
            readable += "~" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name)))[..8];
        }

        return $"{year}-{readable}";
    }

    /// <summary>Starts the project (idempotent, retried) and shows the link in the parent's status.</summary>
    public static async Task<ProcessLink> StartAsync(ProcessTracker tracker, string key, ProjectLifecycleInput project)
    {
        var link = await tracker.Context.CallActivityAsync<ProcessLink>(nameof(StartLinkedProjectActivity),
            new LinkedProjectStart(tracker.Context.InstanceId, tracker.Key.Workflow, key, project), StartRetry);
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
