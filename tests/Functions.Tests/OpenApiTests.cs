using System.Net;
using System.Text.Json.Nodes;

namespace Governance.Functions.Tests;

/// <summary>/openapi/v1.json publishes the real body schemas, the notifications response and /healthz (issue 9).</summary>
[Collection(ServiceCollection.Name)]
public sealed class OpenApiTests(ServiceFixture fixture)
{
    private async Task<JsonNode> DocumentAsync()
    {
        using var response = await fixture.Anonymous.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    /// <summary>Follows a local $ref (#/components/schemas/X).</summary>
    private static JsonNode Resolve(JsonNode document, JsonNode schema)
        => schema["$ref"] is { } reference
            ? document["components"]!["schemas"]![((string)reference!).Split('/').Last()]!
            : schema;

    private static JsonNode BodySchema(JsonNode document, string path, string method = "post")
        => document["paths"]![path]![method]!["requestBody"]!["content"]!["application/json"]!["schema"]!;

    [Fact]
    public async Task Start_body_is_the_catalog_input_schema()
    {
        var document = await DocumentAsync();
        var schema = Resolve(document, BodySchema(document, "/api/workflows/{name}"));

        var properties = schema["properties"]!.AsObject();
        Assert.Equal("string", (string?)properties["title"]!["type"]);
        Assert.Equal("\"integer\"", properties["amount"]!["type"]!.ToJsonString()); // not ["integer","string"]: bodies are strict
        Assert.True(properties.ContainsKey("community"));
    }

    [Fact]
    public async Task Step_body_is_any_of_the_catalog_step_schemas()
    {
        var document = await DocumentAsync();
        var schema = BodySchema(document, "/api/workflows/{id}/events/{eventName}");

        var options = schema["anyOf"]!.AsArray().Select(s => Resolve(document, s!)["properties"]!.AsObject()).ToList();
        Assert.Contains(options, p => p.ContainsKey("households") && p.ContainsKey("by"));
        Assert.Contains(options, p => p.ContainsKey("approved") && p.ContainsKey("reason"));
    }

    [Fact]
    public async Task Notifications_response_and_healthz_are_described()
    {
        var document = await DocumentAsync();
        var notifications = document["paths"]!["/api/notifications"]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!;
        Assert.Equal("array", (string?)notifications["type"]);
        var item = Resolve(document, notifications["items"]!)["properties"]!.AsObject();
        Assert.True(item.ContainsKey("messageZh") && item.ContainsKey("noticeAt") && item.ContainsKey("recipient"));

        var health = document["paths"]!["/healthz"]!["get"]!["responses"]!.AsObject();
        Assert.True(health.ContainsKey("200") && health.ContainsKey("503"));
        Assert.Null(document["paths"]!["/healthz"]!["get"]!["security"]);

        using var probe = await fixture.Anonymous.GetAsync("/healthz");
        Assert.Equal("Healthy", (string?)(await probe.ReadJsonAsync())["checks"]!["storage"]!["status"]);
    }

    [Fact]
    public async Task Catalog_schemas_document_the_maximum_text_length()
    {
        using var response = await fixture.Auditor.GetAsync("/api/workflows/catalog");
        var entry = (await response.ReadJsonAsync()).AsArray().Single(e => (string?)e!["name"] == TestCatalog.Workflow)!;
        Assert.Equal(4000, (int)entry["inputSchema"]!["properties"]!["title"]!["maxLength"]!);
        Assert.Null(entry["inputSchema"]!["properties"]!["amount"]!["maxLength"]);
        Assert.Equal(4000, (int)entry["inputSchema"]!["properties"]!["attachments"]!["items"]!["maxLength"]!);
    }
}
