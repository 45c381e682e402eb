using System.Text.Json;
using System.Text.Json.Serialization;

namespace Governance.Durable;

/// <summary>Serializable description of a failure, kept in history.</summary>
public sealed record TaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    TaskFailureDetails? InnerFailure = null,
    [property: JsonConverter(typeof(FailurePropertiesConverter))] IDictionary<string, object?>? Properties = null)
{
    public static TaskFailureDetails FromException(Exception exception) => FromException(exception, null);

    /// <summary>Describes <paramref name="exception"/>; <paramref name="properties"/> adds its custom properties (at every level).</summary>
    public static TaskFailureDetails FromException(Exception exception, IExceptionPropertiesProvider? properties) => new(
        exception.GetType().FullName ?? exception.GetType().Name,
        exception.Message,
        exception.StackTrace,
        // An uncaught activity or sub-orchestration failure keeps that task's own failure as the inner one.
        exception is TaskFailedException failed ? failed.FailureDetails
            : exception.InnerException is null ? null : FromException(exception.InnerException, properties),
        properties?.GetExceptionProperties(exception));

    /// <summary>
    /// True when this failure's exception type is <typeparamref name="T"/> or derives from it (as in Microsoft.DurableTask,
    /// inner failures are not looked at; see <see cref="HasCause{T}"/>).
    /// </summary>
    public bool IsCausedBy<T>() where T : Exception => IsCausedBy(typeof(T));

    /// <summary>True when this failure's exception type is <paramref name="exceptionType"/> or derives from it.</summary>
    public bool IsCausedBy(Type exceptionType)
    {
        ArgumentNullException.ThrowIfNull(exceptionType);
        if (!typeof(Exception).IsAssignableFrom(exceptionType))
        {
            throw new ArgumentException($"{exceptionType} is not an exception type.", nameof(exceptionType));
        }

        Type? recorded = ResolveErrorType(exceptionType);
        return recorded is not null ? exceptionType.IsAssignableFrom(recorded) : ErrorType == exceptionType.FullName;
    }

    /// <summary>Governance.Durable addition: true when this failure or any inner failure is caused by <typeparamref name="T"/>.</summary>
    public bool HasCause<T>() where T : Exception => IsCausedBy(typeof(T)) || (InnerFailure?.HasCause<T>() ?? false);

    /// <summary>The recorded exception type, looked up where it is most likely defined, then in every loaded assembly.</summary>
    private Type? ResolveErrorType(Type hint)
    {
        if (string.IsNullOrEmpty(ErrorType))
        {
            return null;
        }

        Type? found = Type.GetType(ErrorType, throwOnError: false) ?? hint.Assembly.GetType(ErrorType, throwOnError: false);
        if (found is not null)
        {
            return found;
        }

        var matches = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => !a.IsDynamic)
            .Select(a => a.GetType(ErrorType, throwOnError: false))
            .OfType<Type>()
            .Distinct()
            .Take(2)
            .ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}

/// <summary>Adds custom properties of an exception to its <see cref="TaskFailureDetails.Properties"/> (register one in DI).</summary>
public interface IExceptionPropertiesProvider
{
    /// <summary>The properties to keep for <paramref name="exception"/>, or null for none.</summary>
    IDictionary<string, object?>? GetExceptionProperties(Exception exception);
}

/// <summary>Reads failure properties back as plain values (text, numbers, booleans), as they were written.</summary>
internal sealed class FailurePropertiesConverter : JsonConverter<IDictionary<string, object?>>
{
    public override IDictionary<string, object?>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var raw = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(ref reader, options);
        return raw?.ToDictionary(kv => kv.Key, kv => Plain(kv.Value));
    }

    public override void Write(Utf8JsonWriter writer, IDictionary<string, object?> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var (key, item) in value)
        {
            writer.WritePropertyName(key);
            JsonSerializer.Serialize(writer, item, item?.GetType() ?? typeof(object), options);
        }

        writer.WriteEndObject();
    }

    private static object? Plain(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number when element.TryGetInt64(out long whole) => whole,
        JsonValueKind.Number => element.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => element.Clone(),
    };
}

/// <summary>Thrown into an orchestration when an activity or sub-orchestration it awaited failed.</summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    public string TaskName { get; }
    public int TaskId { get; }
    public TaskFailureDetails FailureDetails { get; }
}

/// <summary>Thrown when replaying an orchestration does not match its recorded history.</summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException(int eventId, string expected, string actual)
        : base($"Non-deterministic workflow detected: at action #{eventId} the history has {expected} but the orchestrator now did {actual}. " +
               "Orchestrator code changed while instances were running; register the change as a new version instead.")
    {
        EventId = eventId;
        Expected = expected;
        Actual = actual;
    }

    public int EventId { get; }
    public string Expected { get; }
    public string Actual { get; }
}
