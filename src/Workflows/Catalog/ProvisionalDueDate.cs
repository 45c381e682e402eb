using System.Text.Json.Serialization;

namespace Governance.Workflows.Catalog;

/// <summary>
/// Marks a due date counted with a provisional holiday calendar: <see cref="Years"/> have no State Council holiday
/// notice loaded, so the date may move when the notice is added. Shown with the date wherever staff read it.
/// </summary>
public sealed record ProvisionalDueDate(IReadOnlyList<int> Years, string Note, string NoteZh)
{
    /// <summary>The marker for dates that depend on <paramref name="years"/>, or null when every year has its notice.</summary>
    public static ProvisionalDueDate? For(IReadOnlyCollection<int>? years)
    {
        if (years is null || years.Count == 0)
        {
            return null;
        }

        var sorted = years.Order().ToArray();
        string en = sorted.Length == 1 ? $"the {sorted[0]} holiday notice is" : $"the {JoinEn(sorted)} holiday notices are";
        return new ProvisionalDueDate(
            sorted,
            $"provisional: {en} not loaded",
            $"暂定：{string.Join("、", sorted.Select(y => $"{y}年"))}节假日安排通知尚未载入");
    }

    /// <summary>" (provisional: …)" to append to an English message.</summary>
    [JsonIgnore]
    public string SuffixEn => $" ({Note})";

    /// <summary>"（暂定：…）" to append to a Chinese message.</summary>
    [JsonIgnore]
    public string SuffixZh => $"（{NoteZh}）";

    private static string JoinEn(int[] years) => string.Join(", ", years[..^1]) + " and " + years[^1];
}
