using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Governance.Durable;

/// <summary>
/// What the worker reports about the tasks it runs: the orchestration and activity lifecycle events under the
/// <see cref="Category"/> logger category (the names and ids of Microsoft.DurableTask's worker events), and the
/// failure details of a task's exception with the properties an <see cref="IExceptionPropertiesProvider"/> adds.
/// </summary>
internal sealed partial class WorkerDiagnostics(ILogger logger, IExceptionPropertiesProvider? properties)
{
    public const string Category = "Governance.Durable.Worker";

    public static WorkerDiagnostics None { get; } = new(NullLogger.Instance, null);

    /// <summary>The worker's diagnostics from the services of a host (a logger of the worker category, the registered properties provider).</summary>
    public static WorkerDiagnostics From(IServiceProvider services)
        => new((services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger(Category), services.GetService<IExceptionPropertiesProvider>());

    public TaskFailureDetails Describe(Exception exception) => TaskFailureDetails.FromException(exception, properties);

    [LoggerMessage(EventId = 600, EventName = "OrchestrationStarted", Level = LogLevel.Information, Message = "'{Name}' orchestration with ID '{InstanceId}' started.")]
    public partial void OrchestrationStarted(string instanceId, string name);

    [LoggerMessage(EventId = 601, EventName = "OrchestrationCompleted", Level = LogLevel.Information, Message = "'{Name}' orchestration with ID '{InstanceId}' completed.")]
    public partial void OrchestrationCompleted(string instanceId, string name);

    [LoggerMessage(EventId = 602, EventName = "OrchestrationFailed", Level = LogLevel.Information, Message = "'{Name}' orchestration with ID '{InstanceId}' failed.")]
    public partial void OrchestrationFailed(Exception exception, string instanceId, string name);

    [LoggerMessage(EventId = 603, EventName = "ActivityStarted", Level = LogLevel.Information, Message = "'{Name}' activity of orchestration ID '{InstanceId}' started.")]
    public partial void ActivityStarted(string instanceId, string name);

    [LoggerMessage(EventId = 604, EventName = "ActivityCompleted", Level = LogLevel.Information, Message = "'{Name}' activity of orchestration ID '{InstanceId}' completed.")]
    public partial void ActivityCompleted(string instanceId, string name);

    [LoggerMessage(EventId = 605, EventName = "ActivityFailed", Level = LogLevel.Information, Message = "'{Name}' activity of orchestration ID '{InstanceId}' failed.")]
    public partial void ActivityFailed(Exception exception, string instanceId, string name);
}
