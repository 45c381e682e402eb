using System.Globalization;
using System.Text.Json;

namespace Governance.Domain.Calendar;

/// <summary>
/// Reads the holiday JSON by hand (rather than deserializing) so every error names the exact field,
/// e.g. <c>years[1].holidays[0].to</c>: the people who maintain this file are not C# developers.
/// </summary>
internal static class HolidayScheduleJsonReader
{
    private const string DateFormat = "yyyy-MM-dd";

    private static readonly JsonDocumentOptions Options = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static IReadOnlyList<HolidaySchedule> Read(string json)
    {
        ArgumentNullException.ThrowIfNull(json);

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException ex)
        {
            throw new CalendarDataException("$", $"not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}): {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CalendarDataException("$", $"expected an object with a \"years\" array, got {Describe(root.ValueKind)}.");
            }

            var years = RequiredArray(root, "years", "years");
            var schedules = new List<HolidaySchedule>();
            var index = 0;
            foreach (var entry in years.EnumerateArray())
            {
                var path = $"years[{index}]";
                var schedule = ReadSchedule(entry, path);
                HolidayScheduleValidator.Validate(schedule, path);
                schedules.Add(schedule);
                index++;
            }

            EnsureYearsUnique(schedules);
            return schedules;
        }
    }

    private static HolidaySchedule ReadSchedule(JsonElement element, string path)
    {
        ExpectObject(element, path);

        var yearElement = Required(element, "year", $"{path}.year");
        if (yearElement.ValueKind != JsonValueKind.Number || !yearElement.TryGetInt32(out var year))
        {
            throw new CalendarDataException($"{path}.year", $"expected a whole number, got {Show(yearElement)}.");
        }

        var source = RequiredString(element, "source", $"{path}.source");

        var holidays = new List<Holiday>();
        var i = 0;
        foreach (var holiday in RequiredArray(element, "holidays", $"{path}.holidays").EnumerateArray())
        {
            holidays.Add(ReadHoliday(holiday, $"{path}.holidays[{i}]"));
            i++;
        }

        var makeUps = new List<DateOnly>();
        var j = 0;
        foreach (var day in RequiredArray(element, "makeUpWorkdays", $"{path}.makeUpWorkdays").EnumerateArray())
        {
            makeUps.Add(ParseDate(day, $"{path}.makeUpWorkdays[{j}]"));
            j++;
        }

        return new HolidaySchedule(year, source, holidays, makeUps);
    }

    private static Holiday ReadHoliday(JsonElement element, string path)
    {
        ExpectObject(element, path);
        return new Holiday(
            RequiredString(element, "name", $"{path}.name"),
            RequiredString(element, "nameEn", $"{path}.nameEn"),
            ParseDate(Required(element, "from", $"{path}.from"), $"{path}.from"),
            ParseDate(Required(element, "to", $"{path}.to"), $"{path}.to"));
    }

    private static void EnsureYearsUnique(List<HolidaySchedule> schedules)
    {
        // Within one file a repeated year is a copy-paste mistake, not an override.
        var seen = new HashSet<int>();
        for (var i = 0; i < schedules.Count; i++)
        {
            if (!seen.Add(schedules[i].Year))
            {
                throw new CalendarDataException($"years[{i}].year", $"{schedules[i].Year} appears more than once.");
            }
        }
    }

    private static DateOnly ParseDate(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.String &&
            DateOnly.TryParseExact(element.GetString(), DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        throw new CalendarDataException(path, $"expected a date as \"{DateFormat}\", got {Show(element)}.");
    }

    private static JsonElement Required(JsonElement parent, string name, string path)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw new CalendarDataException(path, "is missing.");
        }

        return value;
    }

    private static string RequiredString(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
        {
            throw new CalendarDataException(path, $"expected a non-empty string, got {Show(value)}.");
        }

        return value.GetString()!;
    }

    private static JsonElement RequiredArray(JsonElement parent, string name, string path)
    {
        var value = Required(parent, name, path);
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new CalendarDataException(path, $"expected an array, got {Describe(value.ValueKind)}.");
        }

        return value;
    }

    private static void ExpectObject(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new CalendarDataException(path, $"expected an object, got {Describe(element.ValueKind)}.");
        }
    }

    private static string Show(JsonElement element) =>
        element.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? $"{Describe(element.ValueKind)} {element.GetRawText()}"
            : Describe(element.ValueKind);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
