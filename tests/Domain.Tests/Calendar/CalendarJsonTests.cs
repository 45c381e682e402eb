using Governance.Domain.Calendar;

namespace Governance.Domain.Tests.Calendar;

/// <summary>FromJson must point the data maintainer at the exact bad field.</summary>
public sealed class CalendarJsonTests
{
    // One valid year; each test breaks exactly one thing in it.
    private const string ValidYear = """
        {
          "year": 2026,
          "source": "test notice",
          "holidays": [
            { "name": "元旦", "nameEn": "New Year's Day", "from": "2026-01-01", "to": "2026-01-03" },
            { "name": "春节", "nameEn": "Spring Festival", "from": "2026-02-15", "to": "2026-02-23" }
          ],
          "makeUpWorkdays": [ "2026-01-04", "2026-02-14" ]
        }
        """;

    private static string Document(string year) => $$"""{ "years": [ {{year}} ] }""";

    [Fact]
    public void Valid_json_parses_into_a_working_calendar()
    {
        var calendar = WorkingDayCalendar.FromJson(Document(ValidYear));

        Assert.Equal(new[] { 2026 }, calendar.Years);
        Assert.Equal(DayKind.Holiday, calendar.KindOf(new DateOnly(2026, 2, 16)));
        Assert.Equal(DayKind.MakeUpWorkday, calendar.KindOf(new DateOnly(2026, 2, 14)));
        Assert.Equal("test notice", calendar.ScheduleFor(2026)!.Source);
    }

    [Theory]
    [InlineData("\"2026-02-23\"", "\"2026-02-30\"", "years[0].holidays[1].to")]       // no such date
    [InlineData("\"2026-02-23\"", "\"23/02/2026\"", "years[0].holidays[1].to")]       // wrong format
    [InlineData("\"2026-02-23\"", "\"2026-02-10\"", "years[0].holidays[1].to")]       // before from
    [InlineData("\"2026-02-23\"", "\"2026-03-23\"", "years[0].holidays[1].to")]       // a month-long "holiday"
    [InlineData("\"春节\"", "\"\"", "years[0].holidays[1].name")]
    [InlineData("\"test notice\"", "null", "years[0].source")]
    [InlineData("\"year\": 2026", "\"year\": \"2026\"", "years[0].year")]
    [InlineData("\"2026-02-14\"", "\"2026-02-13\"", "years[0].makeUpWorkdays[1]")]   // a Friday is not a make-up day
    [InlineData("\"2026-02-14\"", "\"2026-02-15\"", "years[0].makeUpWorkdays[1]")]   // inside 春节
    [InlineData("\"2026-02-14\"", "\"2026-01-04\"", "years[0].makeUpWorkdays[1]")]   // listed twice
    [InlineData("\"2026-01-01\", \"to\": \"2026-01-03\"", "\"2026-02-10\", \"to\": \"2026-02-16\"", "years[0].holidays[1].from")] // overlap
    public void An_invalid_field_is_named_in_the_error(string validFragment, string brokenFragment, string expectedField)
    {
        var json = Document(ReplaceOnce(ValidYear, validFragment, brokenFragment));

        var ex = Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.FromJson(json));

        Assert.Equal(expectedField, ex.Field);
        Assert.Contains(expectedField, ex.Message);
    }

    [Fact]
    public void A_missing_make_up_list_is_named()
    {
        var json = Document(ValidYear.Replace("\"makeUpWorkdays\"", "\"makeUpWorkday\""));

        var ex = Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.FromJson(json));

        Assert.Equal("years[0].makeUpWorkdays", ex.Field);
        Assert.Contains("missing", ex.Message);
    }

    [Fact]
    public void The_same_year_twice_in_one_file_is_refused()
    {
        var json = $$"""{ "years": [ {{ValidYear}}, {{ValidYear}} ] }""";

        var ex = Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.FromJson(json));

        Assert.Equal("years[1].year", ex.Field);
    }

    [Theory]
    [InlineData("{ \"years\": [ ", "$")]
    [InlineData("[]", "$")]
    [InlineData("{ \"year\": [] }", "years")]
    [InlineData("{ \"years\": {} }", "years")]
    public void Malformed_documents_are_refused(string json, string expectedField)
    {
        var ex = Assert.Throws<CalendarDataException>(() => WorkingDayCalendar.FromJson(json));

        Assert.Equal(expectedField, ex.Field);
    }

    private static string ReplaceOnce(string text, string oldValue, string newValue)
    {
        // Guards the test itself: the fragment must pick out exactly one spot in the valid document.
        var first = text.IndexOf(oldValue, StringComparison.Ordinal);
        Assert.True(first >= 0 && first == text.LastIndexOf(oldValue, StringComparison.Ordinal), $"'{oldValue}' must occur exactly once");
        return text.Replace(oldValue, newValue, StringComparison.Ordinal);
    }
}
