using Governance.Functions.Api;
using Governance.Workflows.CommunityProjects;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Governance.Functions.Tests;

/// <summary>The real processes' names that become search tags are limited where they enter: start inputs and applications.</summary>
public sealed class TagLimitTests
{
    private static string Field(IResult? error)
        => (string)Assert.IsType<ProblemHttpResult>(error).ProblemDetails.Extensions["field"]!;

    [Fact]
    public void The_public_project_start_refuses_a_community_name_over_100_characters_with_the_max_length_rule()
    {
        string body = $$"""{"street":"清源街道","community":"{{new string('社', 101)}}","year":2026,"projectName":"新居民之家","perProjectCap":12000}""";
        var (value, error) = StrictJson.Parse(System.Text.Encoding.UTF8.GetBytes(body), typeof(StandaloneProjectInput));
        Assert.Null(value);
        var problem = Assert.IsType<ProblemHttpResult>(error).ProblemDetails;
        Assert.Equal("community", problem.Extensions["field"]);
        Assert.Equal("max-length", problem.Extensions["rule"]);
        Assert.Equal(100, problem.Extensions["maxLength"]);
        Assert.NotNull(StrictJson.Parse(System.Text.Encoding.UTF8.GetBytes(body.Replace(new string('社', 101), new string('社', 100))), typeof(StandaloneProjectInput)).Value);
    }

    [Fact]
    public void A_project_start_with_a_community_name_over_100_characters_is_refused_naming_it()
    {
        string body = $$"""{"street":"清源街道","community":"{{new string('社', 101)}}","year":2026,"projectName":"新居民之家","round":null,"grant":null,"perProjectCap":12000,"rules":null}""";
        var (value, error) = StrictJson.Parse(System.Text.Encoding.UTF8.GetBytes(body), typeof(ProjectLifecycleInput));
        Assert.Null(value);
        Assert.Equal("community", Field(error));

        string ok = body.Replace(new string('社', 101), new string('社', 100));
        Assert.NotNull(StrictJson.Parse(System.Text.Encoding.UTF8.GetBytes(ok), typeof(ProjectLifecycleInput)).Value);
    }

    [Fact]
    public void Catalog_schemas_state_the_tag_limit_for_tag_fields_and_the_text_limit_elsewhere()
    {
        var project = WorkflowEndpoints.Schema(typeof(ProjectLifecycleInput))["properties"]!;
        Assert.Equal(100, (int)project["community"]!["maxLength"]!);
        Assert.Equal(100, (int)project["street"]!["maxLength"]!);
        Assert.Equal(4000, (int)project["projectName"]!["maxLength"]!);
        var application = WorkflowEndpoints.Schema(typeof(ApplicationSubmitted))["properties"]!;
        Assert.Equal(100, (int)application["community"]!["maxLength"]!);
        var round = WorkflowEndpoints.Schema(typeof(FundingRoundInput))["properties"]!;
        Assert.Equal(100, (int)round["roundName"]!["maxLength"]!);
    }
}
