using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Governance.Durable;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Governance.Functions;

/// <summary>RFC 7807 problem details with a bilingual explanation: <c>detail</c> in English, <c>detailZh</c> in Chinese, the <c>field</c> and <c>rule</c>.</summary>
public static class Problems
{
    public static ProblemDetails Create(int status, string title, string detail, string detailZh, string? field = null, string? rule = null,
        IDictionary<string, object?>? extra = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://httpstatuses.io/{status}",
        };
        problem.Extensions["detailZh"] = detailZh;
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        if (rule is not null)
        {
            problem.Extensions["rule"] = rule;
        }

        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                problem.Extensions[k] = v;
            }
        }

        return problem;
    }

    public static IResult Result(int status, string title, string detail, string detailZh, string? field = null, string? rule = null,
        IDictionary<string, object?>? extra = null)
        => TypedResults.Problem(Create(status, title, detail, detailZh, field, rule, extra));

    public static IResult BadRequest(string detail, string detailZh, string? field, string rule, IDictionary<string, object?>? extra = null)
        => Result(400, "Bad Request", detail, detailZh, field, rule, extra);

    public static IResult NotFound(string detail, string detailZh, string? field = null)
        => Result(404, "Not Found", detail, detailZh, field, "not-found");

    public static IResult Conflict(string detail, string detailZh, string rule, IDictionary<string, object?>? extra = null)
        => Result(409, "Conflict", detail, detailZh, null, rule, extra);

    public const int StorageRetryAfterSeconds = 10;

    public static ProblemDetails StorageUnavailable() => Create(503, "Service Unavailable",
        "Storage is unavailable, so the request may not have taken effect. Try again later; repeating it with the same instanceId or Idempotency-Key is safe.",
        "存储服务暂不可用，本次请求可能未生效。请稍后重试；使用相同的 instanceId 或 Idempotency-Key 重复提交是安全的。", "storage", "storage-unavailable");

    public static IResult InstanceNotFound(string instanceId)
        => NotFound($"No workflow instance with id '{instanceId}' exists.", $"流程实例“{instanceId}”不存在。", "instanceId");
}

/// <summary>The one exit for exceptions: request errors keep their status (400/413…), known runtime exceptions map to 404/409; nothing leaks a stack trace.</summary>
internal sealed class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails problem = exception switch
        {
            BadHttpRequestException { StatusCode: 413 } => Problems.Create(413, "Payload Too Large",
                $"The request body is larger than the limit of {RequestLimits.MaxBodyBytes} bytes.", $"请求体超过 {RequestLimits.MaxBodyBytes} 字节的上限。", "body", "max-size"),
            BadHttpRequestException bad => Problems.Create(bad.StatusCode, "Bad Request", bad.Message, "请求格式错误。", null, "bad-request"),
            JsonException json => Problems.Create(400, "Bad Request", "The body is not valid JSON: " + json.Message, "请求体不是有效的 JSON。", json.Path, "json"),
            OrchestrationNotFoundException nf => Problems.Create(404, "Not Found", nf.Message, $"流程实例“{nf.InstanceId}”不存在。", "instanceId", "not-found"),
            OrchestrationFinishedException fe => Problems.Create(410, "Gone", fe.Message, $"流程实例“{fe.InstanceId}”已结束（{fe.Status}），不再接受事件或变更。", "instanceId", "finished"),
            OrchestrationAlreadyExistsException ae => Problems.Create(409, "Conflict", ae.Message, $"流程实例“{ae.InstanceId}”已存在。", "instanceId", "exists"),
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => Problems.Create(499, "Client Closed Request", "The client went away.", "客户端已断开。"),
            _ when StorageFailure.IsUnavailable(exception) => Problems.StorageUnavailable(),
            _ => Problems.Create(500, "Internal Server Error", "An unexpected error occurred; it has been logged.", "发生意外错误，已记录日志。"),
        };
        if (problem.Status == 503)
        {
            logger.LogWarning("Storage unavailable on {Method} {Path}: {Message}", context.Request.Method, context.Request.Path, exception.Message);
        }
        else if (problem.Status >= 500)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
        }
        else
        {
            logger.LogInformation("Rejected {Method} {Path} with {Status}: {Message}", context.Request.Method, context.Request.Path, problem.Status, exception.Message);
        }

        context.Response.StatusCode = problem.Status ?? 500;
        if (problem.Status == 503)
        {
            context.Response.Headers.RetryAfter = Problems.StorageRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }
}

/// <summary>Recognises "storage cannot be reached" (connection refused, DNS, timeouts) behind the Azure SDK's wrappers.</summary>
internal static class StorageFailure
{
    public static bool IsUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Azure.RequestFailedException { Status: 0 }:
                case Azure.RequestFailedException { Status: 503 or 502 or 504 }:
                case HttpRequestException:
                case System.Net.Sockets.SocketException:
                case TimeoutException:
                case OperationCanceledException: // a storage call that timed out (the client's own abort is handled before)
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(IsUnavailable):
                    return true;
            }
        }

        return false;
    }
}

public static class RequestLimits
{
    public const int MaxBodyBytes = 1024 * 1024;

    /// <summary>Kestrel's hard limit: bodies between the two are read and discarded so the client gets its 413 instead of a broken pipe.</summary>
    public const int DrainLimitBytes = 8 * 1024 * 1024;
}

/// <summary>Strict JSON reading of request bodies into catalog types, with errors naming the field and the rule.</summary>
public static partial class StrictJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(DurableJson.Options)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowTrailingCommas = false,
            NumberHandling = JsonNumberHandling.Strict,
            ReadCommentHandling = JsonCommentHandling.Disallow,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Reads the body (at most 1 MB) and deserializes it; returns the value or a 400/413 problem.</summary>
    public static async Task<(object? Value, IResult? Error)> ReadAsync(HttpRequest request, Type type, CancellationToken cancellationToken)
    {
        if (request.ContentLength > RequestLimits.MaxBodyBytes)
        {
            await DrainAsync(request, cancellationToken);
            return (null, TooLarge());
        }

        byte[] body;
        using (var buffer = new MemoryStream())
        {
            var chunk = new byte[81920];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > RequestLimits.MaxBodyBytes)
                {
                    await DrainAsync(request, cancellationToken);
                    return (null, TooLarge());
                }

                buffer.Write(chunk, 0, read);
            }

            body = buffer.ToArray();
        }

        if (body.Length == 0 || body.All(b => b is (byte)' ' or (byte)'\r' or (byte)'\n' or (byte)'\t'))
        {
            return (null, Problems.BadRequest("A JSON body is required.", "请求体不能为空，须为 JSON。", "body", "required"));
        }

        return Parse(body, type);
    }

    public static (object? Value, IResult? Error) Parse(ReadOnlySpan<byte> body, Type type)
    {
        if (Governance.Functions.Api.JsonBodyRules.Check(body) is { } broken)
        {
            return (null, broken);
        }

        object? value;
        try
        {
            value = JsonSerializer.Deserialize(body, type, Options);
        }
        catch (JsonException ex)
        {
            return (null, Describe(ex));
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or ArgumentException or FormatException or OverflowException)
        {
            return (null, Problems.BadRequest("The body could not be read as " + type.Name + ": " + ex.Message, "请求体无法解析。", "body", "json"));
        }

        if (value is null)
        {
            return (null, Problems.BadRequest("The body must be a JSON object, not null.", "请求体须为 JSON 对象，不能为 null。", "body", "required"));
        }

        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(value, new(value), results, validateAllProperties: true))
        {
            var first = results[0];
            string member = first.MemberNames.FirstOrDefault() ?? "body";
            string field = Camel(member);
            var extra = new Dictionary<string, object?> { ["errors"] = results.Select(r => new { field = Camel(r.MemberNames.FirstOrDefault() ?? "body"), message = r.ErrorMessage }).ToList() };
            if (TooLong(type, member, value) is { } max)
            {
                // The same rule and shape as every other text limit.
                extra["maxLength"] = max;
                return (null, Problems.BadRequest($"Field '{field}' is longer than {max} characters.", $"字段“{field}”超过{max}个字符。", field, "max-length", extra));
            }

            return (null, Problems.BadRequest($"Field '{field}': {first.ErrorMessage}", $"字段“{field}”不符合规则：{first.ErrorMessage}", field, "validation", extra));
        }

        return (value, null);
    }

    /// <summary>The maximum length a [StringLength] property's value exceeds, if that is why it failed.</summary>
    private static int? TooLong(Type type, string member, object value)
    {
        var property = type.GetProperty(member);
        return property?.GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.StringLengthAttribute), true).FirstOrDefault()
            is System.ComponentModel.DataAnnotations.StringLengthAttribute length && property.GetValue(value) is string text && text.Length > length.MaximumLength
            ? length.MaximumLength
            : null;
    }

    private static async Task DrainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var sink = new byte[81920];
            while (await request.Body.ReadAsync(sink, cancellationToken) > 0)
            {
            }
        }
        catch (BadHttpRequestException)
        {
            // Over Kestrel's hard limit: the connection will be closed after the 413.
        }
    }

    private static IResult TooLarge() => Problems.Result(413, "Payload Too Large",
        $"The request body is larger than the limit of {RequestLimits.MaxBodyBytes} bytes (1 MB).", "请求体超过 1 MB 的上限。", "body", "max-size");

    /// <summary>Turns System.Text.Json's exception into "which field, which rule".</summary>
    internal static IResult Describe(JsonException ex)
    {
        string message = ex.Message;
        string? path = ex.Path;
        if (MissingRequired().Match(message) is { Success: true } missing)
        {
            var fields = Quoted().Matches(missing.Groups[1].Value).Select(m => m.Groups[1].Value).ToList();
            string field = Join(path, fields.FirstOrDefault() ?? "?");
            return Problems.BadRequest($"Missing required field(s): {string.Join(", ", fields.Select(f => Join(path, f)))}.",
                $"缺少必填字段：{string.Join("、", fields.Select(f => Join(path, f)))}。", field, "required",
                new Dictionary<string, object?> { ["fields"] = fields.Select(f => Join(path, f)).ToList() });
        }

        if (Unmapped().Match(message) is { Success: true } unknown)
        {
            string field = Join(path is null ? null : TrimLast(path, unknown.Groups[1].Value), unknown.Groups[1].Value);
            return Problems.BadRequest($"Unknown field '{field}': it is not part of the expected input.", $"未知字段“{field}”：不属于该输入。", field, "unknown-field");
        }

        if (NullNotAllowed().Match(message) is { Success: true } nullField)
        {
            string field = path is not null && path != "$" ? Field(path) : Camel(nullField.Groups[1].Value);
            return Problems.BadRequest($"Field '{field}' must not be null.", $"字段“{field}”不能为 null。", field, "not-null");
        }

        if (CouldNotConvert().Match(message) is { Success: true } convert && path is not null)
        {
            string field = Field(path);
            string expected = FriendlyType(convert.Groups[1].Value);
            return Problems.BadRequest($"Field '{field}' has the wrong type: expected {expected}.", $"字段“{field}”类型错误：应为{expected}。", field, "type",
                new Dictionary<string, object?> { ["expected"] = expected });
        }

        string where = path is null || path == "$" ? "body" : Field(path);
        string clean = message.Split(" Path:")[0].Split(" LineNumber:")[0];
        return Problems.BadRequest($"Malformed JSON at '{where}': {clean}", $"JSON 格式错误（位置：{where}）。", where, "json");
    }

    private static string Field(string path) => path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');

    private static string Join(string? path, string name)
    {
        string prefix = path is null || path == "$" ? string.Empty : Field(path);
        return prefix.Length == 0 ? name : prefix + "." + name;
    }

    private static string? TrimLast(string path, string name)
        => path.EndsWith("." + name, StringComparison.Ordinal) ? path[..^(name.Length + 1)] : path;

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    private static string FriendlyType(string clr) => clr switch
    {
        var t when t.Contains("Int32") || t.Contains("Int64") || t.Contains("Int16") => "integer / 整数",
        var t when t.Contains("Decimal") || t.Contains("Double") || t.Contains("Single") => "number / 数字",
        var t when t.Contains("Boolean") => "boolean / 布尔值",
        var t when t.Contains("String") => "string / 字符串",
        var t when t.Contains("DateOnly") => "date yyyy-MM-dd / 日期",
        var t when t.Contains("DateTime") => "date-time (ISO 8601) / 日期时间",
        var t when t.Contains("List") || t.Contains("[]") || t.Contains("IReadOnlyList") || t.Contains("IEnumerable") => "array / 数组",
        var t => t.Split('.').Last() + " (object or enum value)",
    };

    [GeneratedRegex("missing required properties including: (.*)\\.?$", RegexOptions.Singleline)]
    private static partial Regex MissingRequired();

    [GeneratedRegex("'([^']+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex Unmapped();

    [GeneratedRegex("(?:property or field|constructor parameter) '([^']+)'.*(?:null|nullable)", RegexOptions.Singleline)]
    private static partial Regex NullNotAllowed();

    [GeneratedRegex("could not be converted to ([^ .]+(?:\\.[^ .]+)*)")]
    private static partial Regex CouldNotConvert();
}
