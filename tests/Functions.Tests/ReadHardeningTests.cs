using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Governance.Durable;
using Microsoft.Extensions.DependencyInjection;

namespace Governance.Functions.Tests;

/// <summary>Reading, listing, exporting and purging (issue 9).</summary>
[Collection(ServiceCollection.Name)]
public sealed class ReadHardeningTests(ServiceFixture fixture)
{
    private const string Df = "/runtime/webhooks/durabletask/instances";

    private async Task<string> StartAsync(string community)
    {
        string id = $"r-{Guid.NewGuid():N}";
        using var r = await fixture.Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(TestService.Input(community: community)));
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        await Http.WaitForStepAsync(fixture.Staff, id, "submit");
        return id;
    }

    [Fact]
    public async Task A_failed_instance_shows_why_but_never_a_stack_trace()
    {
        var client = fixture.Host.Services.GetRequiredService<DurableTaskClient>();
        string id = await client.ScheduleNewOrchestrationInstanceAsync(TestAlwaysFails.Name, "boom");
        await Http.WaitForStatusAsync(fixture.Auditor, id, "Failed");

        foreach (var reader in new[] { fixture.Auditor, fixture.Staff, fixture.Admin })
        {
            using var response = await reader.GetAsync($"/api/workflows/{id}");
            string body = await response.Content.ReadAsStringAsync();
            var failure = JsonNode.Parse(body)!["failure"]!;
            Assert.Contains("failed on purpose: boom", (string?)failure["errorMessage"]);
            Assert.Equal(typeof(InvalidOperationException).FullName, (string?)failure["errorType"]);
            Assert.DoesNotContain("stackTrace", body, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(".cs:line", body, StringComparison.Ordinal);

            using var df = await reader.GetAsync($"{Df}/{id}?showHistory=true&showHistoryOutput=true");
            Assert.DoesNotContain(".cs:line", await df.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            using var history = await reader.GetAsync($"/api/workflows/{id}/history?format=csv");
            Assert.DoesNotContain(".cs:line", await history.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Continuation_tokens_that_were_not_handed_out_for_this_listing_get_400()
    {
        string community = "续页社区" + Guid.NewGuid().ToString("N")[..6];
        for (int i = 0; i < 3; i++)
        {
            await StartAsync(community);
        }

        string search = $"/api/workflows?tag.community={Uri.EscapeDataString(community)}";
        using var first = await fixture.Auditor.GetAsync(search + "&top=2");
        var page1 = await first.ReadJsonAsync();
        Assert.Equal(2, page1["items"]!.AsArray().Count);
        string token = (string)page1["continuationToken"]!;
        using var second = await fixture.Auditor.GetAsync($"{search}&top=2&continuationToken={Uri.EscapeDataString(token)}");
        Assert.Single((await second.ReadJsonAsync())["items"]!.AsArray());

        string tampered = token[..^3] + (token[^3] == 'A' ? 'B' : 'A') + token[^2..];
        string raw = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"NextPartitionKey\":\"a\",\"NextRowKey\":\"\"}"));
        foreach (string forged in new[] { "garbage", tampered, raw, token + "x" })
        {
            using var bad = await fixture.Auditor.GetAsync($"{search}&top=2&continuationToken={Uri.EscapeDataString(forged)}");
            Assert.Equal("continuationToken", (string?)(await bad.ProblemAsync(400))["field"]);
        }

        // A token belongs to its listing: other filters must not resume with it.
        using var other = await fixture.Auditor.GetAsync($"/api/workflows?status=Running&top=2&continuationToken={Uri.EscapeDataString(token)}");
        Assert.Equal("continuationToken", (string?)(await other.ProblemAsync(400))["field"]);

        // The management API's header token.
        using var dfFirst = await fixture.Auditor.GetAsync($"{Df}?top=1&runtimeStatus=Running");
        string dfToken = dfFirst.Headers.GetValues("x-ms-continuation-token").Single();
        using var dfNext = new HttpRequestMessage(HttpMethod.Get, $"{Df}?top=1&runtimeStatus=Running");
        dfNext.Headers.Add("x-ms-continuation-token", dfToken);
        using (var ok = await fixture.Auditor.SendAsync(dfNext))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using var dfForged = new HttpRequestMessage(HttpMethod.Get, $"{Df}?top=1&runtimeStatus=Running");
        dfForged.Headers.Add("x-ms-continuation-token", raw);
        using var refused = await fixture.Auditor.SendAsync(dfForged);
        Assert.Equal("continuationToken", (string?)(await refused.ProblemAsync(400))["field"]);
    }

    [Fact]
    public async Task Csv_export_neutralises_formulas_including_a_leading_tab_or_carriage_return()
    {
        string id = await StartAsync("表格社区");
        using (var suspend = await fixture.Admin.PostAsync($"{Df}/{id}/suspend?reason={Uri.EscapeDataString("\t=1+1")}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, suspend.StatusCode);
        }

        await Http.WaitForStatusAsync(fixture.Staff, id, "Suspended");
        using (var resume = await fixture.Admin.PostAsync($"{Df}/{id}/resume?reason={Uri.EscapeDataString("\r=2+2")}", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, resume.StatusCode);
        }

        await Http.WaitForStatusAsync(fixture.Staff, id, "Running");
        using var csv = await fixture.Auditor.GetAsync($"/api/workflows/{id}/history?format=csv");
        string text = Encoding.UTF8.GetString(await csv.Content.ReadAsByteArrayAsync());

        Assert.Contains(",'\t=1+1\r\n", text, StringComparison.Ordinal);
        Assert.Contains(",\"'\r=2+2\"\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",\t=", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",\"\r=", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bulk_purge_for_statuses_that_are_never_finished_deletes_nothing()
    {
        string id = await StartAsync("清除社区");
        using (var terminate = await fixture.Admin.PostAsync($"{Df}/{id}/terminate?reason=test", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        }

        await Http.WaitForStatusAsync(fixture.Staff, id, "Terminated");

        foreach (string statuses in new[] { "Running", "Pending", "Running,Suspended,Pending" })
        {
            using var purge = await fixture.Admin.DeleteAsync($"{Df}?createdTimeFrom=2000-01-01&runtimeStatus={statuses}");
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
            Assert.Equal(0, (int)(await purge.ReadJsonAsync())["instancesDeleted"]!);
        }

        using var still = await fixture.Admin.GetAsync($"/api/workflows/{id}");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }
}
