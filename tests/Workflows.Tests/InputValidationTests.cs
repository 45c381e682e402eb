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
