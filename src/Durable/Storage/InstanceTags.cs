using System.Globalization;
using System.Text;

namespace Governance.Durable;

/// <summary>
/// Limits and storage names of instance tags. Each tag is also a column of the instance's query-projection row, so a
/// search by tags is one server-side filtered query per page.
/// </summary>
public static class InstanceTags
{
    public const int MaxKeyLength = 50;

    public const int MaxValueLength = 100;

    public const int MaxCount = 20;

    private const string ColumnPrefix = "Tag_";

    /// <summary>Null when the tags can be stored, else the first offending tag key (or null key for "too many") and the reason.</summary>
    public static (string? Key, string Reason)? Validate(IReadOnlyDictionary<string, string>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count > MaxCount)
        {
            return (null, $"At most {MaxCount} tags are allowed.");
        }

        foreach (var (key, value) in tags)
        {
            if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength || key.Any(char.IsControl))
            {
                return (key, $"A tag key must be 1-{MaxKeyLength} characters without control characters.");
            }

            if (value is null || value.Length > MaxValueLength || value.Any(char.IsControl))
            {
                return (key, $"The value of tag '{key}' must be at most {MaxValueLength} characters without control characters.");
            }
        }

        return null;
    }

    /// <summary>The column of a tag key: ASCII letters and digits kept, anything else as _hhhh (so distinct keys never collide).</summary>
    public static string ColumnName(string key)
    {
        var sb = new StringBuilder(ColumnPrefix, ColumnPrefix.Length + key.Length);
        foreach (char c in key)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
            }
            else
            {
                sb.Append('_').Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
