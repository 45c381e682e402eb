using System.ComponentModel.DataAnnotations;
using Governance.Workflows.CommunityProjects;

namespace Governance.Workflows.Tests;

public sealed class InputValidationTests
{
    private static List<ValidationResult> Validate(object input)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(input, new ValidationContext(input), results, validateAllProperties: true);
        return results;
    }

    [Fact]
    public void A_standalone_project_without_a_per_project_cap_is_refused_naming_the_field()
    {
        var results = Validate(new ProjectLifecycleInput("清源街道", "金华里社区", 2026, "新居民之家"));

        var error = Assert.Single(results);
        Assert.Equal([nameof(ProjectLifecycleInput.PerProjectCap)], error.MemberNames);
        Assert.Contains("单个项目资助上限", error.ErrorMessage);
    }

    [Fact]
    public void A_complete_standalone_project_is_accepted()
        => Assert.Empty(Validate(new ProjectLifecycleInput("清源街道", "金华里社区", 2026, "新居民之家", PerProjectCap: 12_000m)));

    [Fact]
    public void Blank_names_and_an_absurd_year_are_refused()
    {
        var results = Validate(new ProjectLifecycleInput(" ", "金华里社区", 1900, "新居民之家", PerProjectCap: 12_000m));

        Assert.Equal(2, results.Count);
        Assert.Contains(results, r => r.MemberNames.Contains(nameof(ProjectLifecycleInput.Year)));
    }
}

public sealed class RuleFieldsTests
{
    [Theory]
    [InlineData("election.households", "households")]
    [InlineData("election.electors", "households")]
    [InlineData("election.attendees", "attendees")]
    [InlineData("election.attendeesOverHouseholds", "attendees")]
    [InlineData("election.ballots", "ballotsCast")]
    [InlineData("election.ballotsOverHouseholds", "ballotsCast")]
    [InlineData("election.ballotsOverAttendees", "ballotsCast")]
    [InlineData("election.votes", "votes")]
    [InlineData("election.votesOverBallots", "votes")]
    [InlineData("election.unknownCandidate", "votes")]
    [InlineData("election.countedTwice", "votes")]
    [InlineData("election.marksOverSeats", "votes")]
    [InlineData("election.notCompetitive", "candidates")]
    [InlineData("election.duplicateCandidate", "candidates")]
    [InlineData("election.candidateName", "candidates")]
    [InlineData("election.seats", "seats")]
    public void Every_election_rule_names_the_tally_or_list_field_it_checks(string rule, string field)
        => Assert.Equal(field, Common.RuleFields.Of(rule));
}
