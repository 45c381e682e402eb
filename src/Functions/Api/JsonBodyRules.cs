using System.Text;
using System.Text.Json;

namespace Governance.Functions.Api;

/// <summary>
/// Rules System.Text.Json does not apply while binding, checked on the raw body first: a field may appear only once
/// (case variants included, since binding ignores case: "community" and "Community" would otherwise be last-one-wins),
/// and no text value may be longer than <see cref="MaxTextLength"/> characters.
/// </summary>
public static class JsonBodyRules
{
    /// <summary>Longest text value accepted anywhere in a JSON body (documented in the README and the schemas).</summary>
    public const int MaxTextLength = 4000;

    /// <summary>Returns a 400 problem naming the field, or null when the body keeps the rules (or is not JSON: binding reports that).</summary>
    public static IResult? Check(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        var frames = new Stack<Frame>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                    case JsonTokenType.StartArray:
                        string? at = frames.Count == 0 ? null : Path(frames);
                        Advance(frames);
                        frames.Push(new Frame(reader.TokenType == JsonTokenType.StartArray, at));
                        break;
                    case JsonTokenType.EndObject:
                    case JsonTokenType.EndArray:
                        frames.Pop();
                        break;
                    case JsonTokenType.PropertyName:
                        var frame = frames.Peek();
                        string name = reader.GetString()!;
                        frame.Property = name;
                        if (!frame.Keys.Add(name))
                        {
                            string field = Path(frames);
                            return Problems.BadRequest($"Field '{field}' appears more than once (names are matched ignoring case); send it once.",
                                $"字段“{field}”重复出现（不区分大小写），只能出现一次。", field, "duplicate-field");
                        }

                        break;
                    case JsonTokenType.String:
                        // ValueSpan is UTF-8; only decode when it could be too long.
                        if (reader.ValueSpan.Length > MaxTextLength || reader.HasValueSequence)
                        {
                            string value = reader.GetString()!;
                            if (value.Length > MaxTextLength)
                            {
                                string field = frames.Count == 0 ? "body" : Path(frames);
                                return Problems.BadRequest(
                                    $"Field '{field}' is {value.Length} characters long; at most {MaxTextLength} are accepted.",
                                    $"字段“{field}”长度为 {value.Length} 个字符，最多 {MaxTextLength} 个。", field, "max-length",
                                    new Dictionary<string, object?> { ["maxLength"] = MaxTextLength });
                            }
                        }

                        Advance(frames);
                        break;
                    default:
                        Advance(frames);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }

        return null;
    }

    private static void Advance(Stack<Frame> frames)
    {
        if (frames.Count > 0 && frames.Peek().IsArray)
        {
            frames.Peek().Index++;
        }
    }

    /// <summary>The dotted path of the current value, e.g. <c>applications[2].projectName</c>.</summary>
    private static string Path(Stack<Frame> frames)
    {
        var top = frames.Peek();
        var sb = new StringBuilder(top.At ?? string.Empty);
        if (top.IsArray)
        {
            sb.Append('[').Append(top.Index).Append(']');
        }
        else if (top.Property is not null)
        {
            if (sb.Length > 0)
            {
                sb.Append('.');
            }

            sb.Append(top.Property);
        }

        return sb.Length == 0 ? "body" : sb.ToString();
    }

    private sealed class Frame(bool isArray, string? at)
    {
        public bool IsArray { get; } = isArray;

        public string? At { get; } = at;

        public int Index { get; set; }

        public string? Property { get; set; }

        public HashSet<string> Keys { get; } = new(StringComparer.OrdinalIgnoreCase);
    }
}
