using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Governance.Durable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Governance.Functions.Tests;

/// <summary>
/// The audit trail over HTTP against real Azurite: written with each step, readable by auditors, verified record by
/// record (tampering directly in storage is found at exactly the record touched), kept and extended by purge, exported.
/// </summary>
[Collection(ServiceCollection.Name)]
public sealed class AuditTrailTests(ServiceFixture fixture)
{
    private TableClient History => new(fixture.ConnectionString,
        fixture.Host.Services.GetRequiredService<IOptions<DurableTaskOptions>>().Value.HubName + "History");

    /// <summary>Start, a refused submission, an accepted one, the approval: five records.</summary>
    private async Task<string> RunToCompletionAsync(string street = "清源街道", string community = "金华里社区")
    {
        string id = $"a-{Guid.NewGuid():N}";
        using (var start = await fixture.Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}",
            Http.Json(new { title = "加装电梯", street, community, amount = 1000, maxHouseholds = 100 })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await Http.WaitForStepAsync(fixture.Staff, id, "submit");
        using (var refused = await fixture.Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "王", households = 101 })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        using (var ok = await fixture.Staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "王", households = 49 })))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        using (var approve = await fixture.Staff.PostAsync($"/api/workflows/{id}/events/approve", Http.Json(new { approved = true, reason = "材料齐全" })))
        {
            Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        }

        await Http.WaitForStatusAsync(fixture.Staff, id, "Completed");
        return id;
    }

    private async Task<JsonNode> VerifyAsync(string id)
    {
        using var response = await fixture.Auditor.GetAsync($"/api/audit/{id}/verify");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.ReadJsonAsync();
    }

    private static string RowKey(int sequence) => $"4|aud|r|{sequence:D12}";

    [Fact]
    public async Task Each_step_leaves_a_chained_record_with_actor_times_kind_and_figures_and_the_trail_verifies()
    {
        string id = await RunToCompletionAsync();

        using var response = await fixture.Auditor.GetAsync($"/api/audit/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var records = (await response.ReadJsonAsync())["records"]!.AsArray();
        Assert.Equal(
            ["instance.started", "submission.rejected", "submission.accepted", "submission.accepted", "instance.completed"],
            records.Select(r => (string)r!["kind"]!).ToArray());
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), records.Select(r => (long)r!["sequence"]!));
        Assert.Equal("staff-key", (string?)records[0]!["actor"]);
        Assert.Equal("金华里社区", (string?)records[0]!["figures"]!["tag.community"]);
        Assert.Equal("submit.households", (string?)records[1]!["figures"]!["rule"]);
        Assert.Equal("101", (string?)records[1]!["figures"]!["input.households"]);
        Assert.Equal("49", (string?)records[2]!["figures"]!["input.households"]);
        Assert.EndsWith("+08:00", (string?)records[0]!["atChina"]);
        for (int i = 1; i < records.Count; i++)
        {
            Assert.Equal((string?)records[i - 1]!["hash"], (string?)records[i]!["previousHash"]);
        }

        var verification = await VerifyAsync(id);
        Assert.True((bool)verification["intact"]!, verification.ToJsonString());
        Assert.Equal(5, (long)verification["recordCount"]!);
    }

    [Fact]
    public async Task Only_auditors_and_admins_read_trails()
    {
        string id = await RunToCompletionAsync();
        using var staff = await fixture.Staff.GetAsync($"/api/audit/{id}");
        Assert.Equal(HttpStatusCode.Forbidden, staff.StatusCode);
        using var admin = await fixture.Admin.GetAsync($"/api/audit/{id}/verify");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        using var unknown = await fixture.Auditor.GetAsync("/api/audit/no-such-instance");
        await unknown.ProblemAsync(404);
    }

    [Fact]
    public async Task An_edited_record_is_reported_as_altered_at_exactly_that_record()
    {
        string id = await RunToCompletionAsync();
        var row = (await History.GetEntityAsync<TableEntity>(id, RowKey(3))).Value;
        row["Data"] = row.GetString("Data")!.Replace("\"households\":\"49\"", "\"households\":\"51\"", StringComparison.Ordinal)
            .Replace("\"input.households\":\"49\"", "\"input.households\":\"51\"", StringComparison.Ordinal);
        Assert.Contains("\"51\"", row.GetString("Data"));
        await History.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);

        var verification = await VerifyAsync(id);
        Assert.False((bool)verification["intact"]!);
        Assert.Equal(3, (long)verification["firstMismatch"]!["sequence"]!);
        Assert.Equal("hash-mismatch", (string?)verification["firstMismatch"]!["reason"]);
        Assert.Contains("第 3 条", (string?)verification["firstMismatch"]!["detailZh"]);
    }

    [Fact]
    public async Task A_deleted_record_is_reported_missing_at_exactly_its_place()
    {
        string id = await RunToCompletionAsync();
        await History.DeleteEntityAsync(id, RowKey(2), ETag.All);

        var verification = await VerifyAsync(id);
        Assert.False((bool)verification["intact"]!);
        Assert.Equal(2, (long)verification["firstMismatch"]!["sequence"]!);
        Assert.Equal("missing", (string?)verification["firstMismatch"]!["reason"]);
    }

    [Fact]
    public async Task The_last_record_deleted_is_reported_missing_by_the_head()
    {
        string id = await RunToCompletionAsync();
        await History.DeleteEntityAsync(id, RowKey(5), ETag.All);

        var verification = await VerifyAsync(id);
        Assert.Equal(5, (long)verification["firstMismatch"]!["sequence"]!);
        Assert.Equal("missing", (string?)verification["firstMismatch"]!["reason"]);
    }

    [Fact]
    public async Task Two_swapped_records_are_reported_at_the_first_of_them()
    {
        string id = await RunToCompletionAsync();
        var second = (await History.GetEntityAsync<TableEntity>(id, RowKey(2))).Value;
        var third = (await History.GetEntityAsync<TableEntity>(id, RowKey(3))).Value;
        (second["Data"], third["Data"]) = (third["Data"], second["Data"]);
        await History.UpdateEntityAsync(second, second.ETag, TableUpdateMode.Replace);
        await History.UpdateEntityAsync(third, third.ETag, TableUpdateMode.Replace);

        var verification = await VerifyAsync(id);
        Assert.Equal(2, (long)verification["firstMismatch"]!["sequence"]!);
        Assert.Equal("out-of-place", (string?)verification["firstMismatch"]!["reason"]);
    }

    [Fact]
    public async Task A_chain_rewritten_after_a_digest_is_caught_by_the_digest()
    {
        string id = await RunToCompletionAsync();
        using (var digest = await fixture.Admin.PostAsync("/api/audit/digests", null))
        {
            Assert.Equal(HttpStatusCode.OK, digest.StatusCode);
        }

        // Someone with the storage key rewrites record 2 and recomputes every hash after it, and the head: the chain
        // alone is consistent again, only the digest kept elsewhere still knows the old head.
        var trail = (await fixture.Auditor.GetAsync($"/api/audit/{id}")).Content.ReadAsStringAsync();
        var records = JsonNode.Parse(await trail)!["records"]!.AsArray()
            .Select(r => System.Text.Json.JsonSerializer.Deserialize<Governance.Durable.Audit.AuditRecord>(r!.ToJsonString(), DurableJson.Options)!).ToList();
        string previous = records[0].Hash;
        for (int i = 1; i < records.Count; i++)
        {
            var changed = records[i] with { PreviousHash = previous, Actor = i == 1 ? "someone-else" : records[i].Actor, Hash = "" };
            changed = changed with { Hash = Governance.Durable.Audit.AuditCanonicalForm.HashOf(changed) };
            previous = changed.Hash;
            var row = (await History.GetEntityAsync<TableEntity>(id, RowKey(i + 1))).Value;
            row["Data"] = System.Text.Json.JsonSerializer.Serialize(changed, DurableJson.Options);
            row["Hash"] = changed.Hash;
            await History.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        }

        var head = (await History.GetEntityAsync<TableEntity>(id, "4|aud|head")).Value;
        head["Hash"] = previous;
        await History.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace);

        var verification = await VerifyAsync(id);
        Assert.False((bool)verification["intact"]!);
        Assert.Equal("digest-mismatch", (string?)verification["firstMismatch"]!["reason"]);
        Assert.Equal(5, (long)verification["firstMismatch"]!["sequence"]!);
    }

    [Fact]
    public async Task Purge_keeps_the_trail_readable_and_verifiable_and_records_itself()
    {
        string id = await RunToCompletionAsync();
        using (var purge = await fixture.Admin.DeleteAsync($"/runtime/webhooks/durabletask/instances/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        }

        using (var gone = await fixture.Auditor.GetAsync($"/api/workflows/{id}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        var body = await (await fixture.Auditor.GetAsync($"/api/audit/{id}")).ReadJsonAsync();
        var last = body["records"]!.AsArray()[^1]!;
        Assert.Equal("instance.purged", (string?)last["kind"]);
        Assert.Equal("admin-key", (string?)last["actor"]);
        Assert.Equal(6, (long)last["sequence"]!);
        Assert.True((bool)body["head"]!["purged"]!);
        Assert.True((bool)(await VerifyAsync(id))["intact"]!);
    }

    [Fact]
    public async Task A_new_instance_under_a_purged_id_continues_the_same_trail_after_the_purge_record()
    {
        string id = await RunToCompletionAsync();
        using (var purge = await fixture.Admin.DeleteAsync($"/runtime/webhooks/durabletask/instances/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        }

        using (var again = await fixture.Staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}",
            Http.Json(new { title = "再次申请", street = "清源街道", community = "金华里社区", amount = 10 })))
        {
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        }

        await Http.WaitForStepAsync(fixture.Staff, id, "submit");
        var body = await (await fixture.Auditor.GetAsync($"/api/audit/{id}")).ReadJsonAsync();
        var records = body["records"]!.AsArray();
        Assert.Equal(["instance.purged", "instance.started"], records.Skip(5).Select(r => (string)r!["kind"]!).ToArray());
        Assert.Equal("再次申请", (string?)records[6]!["figures"]!["input.title"]);
        Assert.False((bool)body["head"]!["purged"]!);
        Assert.True((bool)(await VerifyAsync(id))["intact"]!);
    }

    [Fact]
    public async Task A_purge_after_the_configured_retention_deletes_the_trail_too()
    {
        var settings = ServiceHost.Settings(fixture.ConnectionString, "ret" + Guid.NewGuid().ToString("N")[..10]);
        settings["governance:audit:retention"] = "00:00:00";
        await using var host = await ServiceHost.StartWithWorkflowsAsync(settings);
        var staff = host.Client("staff");
        var admin = host.Client("admin");
        string id = $"r-{Guid.NewGuid():N}";
        using (var start = await staff.PostAsync($"/api/workflows/community-project?instanceId={id}",
            Http.Json(new { street = "清源街道", community = "金华里社区", year = 2026, projectName = "过期项目", perProjectCap = 12000 })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await Http.WaitForStepAsync(staff, id, "NeedsSurveyCompleted");
        using (var terminate = await admin.PostAsync($"/runtime/webhooks/durabletask/instances/{id}/terminate?reason=test", null))
        {
            Assert.True(terminate.IsSuccessStatusCode);
        }

        await Http.WaitForStatusAsync(staff, id, "Terminated");
        using (var trail = await host.Client("auditor").GetAsync($"/api/audit/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, trail.StatusCode);
        }

        using (var purge = await admin.DeleteAsync($"/runtime/webhooks/durabletask/instances/{id}"))
        {
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        }

        using var gone = await host.Client("auditor").GetAsync($"/api/audit/{id}");
        await gone.ProblemAsync(404);
    }

    [Fact]
    public async Task Export_zips_trails_as_json_lines_and_csv_with_digests_and_a_manifest_whose_hashes_match()
    {
        string community = "导出社区" + Guid.NewGuid().ToString("N")[..6];
        string kept = await RunToCompletionAsync(community: community);
        string purged = await RunToCompletionAsync(community: community);
        await RunToCompletionAsync(community: "别的社区");
        using (var purge = await fixture.Admin.DeleteAsync($"/runtime/webhooks/durabletask/instances/{purged}"))
        {
            Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        }

        using (var digest = await fixture.Admin.PostAsync("/api/audit/digests", null))
        {
            Assert.Equal(HttpStatusCode.OK, digest.StatusCode);
        }

        // A search matching more trails than an export holds is refused, never cut short silently (here the limit is 1).
        var trail = fixture.Host.Services.GetRequiredService<Governance.Durable.Audit.AuditTrail>();
        var tooMany = await Governance.Functions.Api.AuditExport.BuildAsync(trail, TimeProvider.System, TestApproval.Name,
            new Dictionary<string, string> { ["community"] = community }, CancellationToken.None, maxTrails: 1);
        Assert.Null(tooMany);

        using var response = await fixture.Auditor.GetAsync($"/api/audit/export?process=TestApproval&community={Uri.EscapeDataString(community)}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync());
        byte[] Read(string name)
        {
            using var s = zip.GetEntry(name)!.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        }

        var lines = Encoding.UTF8.GetString(Read("trails.jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(11, lines.Length); // 5 + 5 + the purge record
        Assert.All(lines, l => Assert.Contains((string)JsonNode.Parse(l)!["instanceId"]!, new[] { kept, purged }));
        byte[] csv = Read("trails.csv");
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);
        Assert.Contains("submission.rejected", Encoding.UTF8.GetString(csv));
        Assert.Contains(zip.Entries, e => e.FullName.StartsWith("digests/", StringComparison.Ordinal));

        var manifest = JsonNode.Parse(Read("manifest.json"))!;
        Assert.Equal(2, manifest["instances"]!.AsArray().Count);
        foreach (var file in manifest["files"]!.AsArray())
        {
            Assert.Equal((string?)file!["sha256"], Convert.ToHexStringLower(SHA256.HashData(Read((string)file["name"]!))));
        }

        Assert.All(Encoding.UTF8.GetString(Read("verification.jsonl")).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            l => Assert.True((bool)JsonNode.Parse(l)!["intact"]!));
    }

    [Fact]
    public async Task Export_and_verify_read_each_trail_once_and_date_the_export_by_the_service_clock()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.Zero));
        var reads = new TrailQueries();
        await using var host = await TestService.StartAsync(fixture.ConnectionString, "aud" + Guid.NewGuid().ToString("N")[..10], s =>
        {
            s.AddSingleton<TimeProvider>(clock);
            s.PostConfigure<DurableTaskOptions>(o => o.ConfigureStorageClientOptions = c => c.AddPolicy(reads, HttpPipelinePosition.PerCall));
        });
        var staff = host.Client("staff");
        var auditor = host.Client("auditor");
        string community = "一读社区" + Guid.NewGuid().ToString("N")[..6];
        string id = $"a-{Guid.NewGuid():N}";
        using (var start = await staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}",
            Http.Json(new { title = "加装电梯", street = "清源街道", community, amount = 1000, maxHouseholds = 100 })))
        {
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        }

        await Http.WaitForStepAsync(staff, id, "submit");

        int before = reads.Of(id);
        using (var verify = await auditor.GetAsync($"/api/audit/{id}/verify"))
        {
            Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
            Assert.True((bool)(await verify.ReadJsonAsync())["intact"]!);
        }

        Assert.Equal(1, reads.Of(id) - before);

        before = reads.Of(id);
        using var export = await auditor.GetAsync($"/api/audit/export?process=TestApproval&community={Uri.EscapeDataString(community)}");
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(1, reads.Of(id) - before);

        // Dated by the service's clock (simulated here), not the machine's.
        Assert.Equal("audit-export-20260302013000.zip", export.Content.Headers.ContentDisposition?.FileName);
        using var zip = new ZipArchive(await export.Content.ReadAsStreamAsync());
        using var manifest = zip.GetEntry("manifest.json")!.Open();
        Assert.Equal(new DateTime(2026, 3, 2, 1, 30, 0, DateTimeKind.Utc), (DateTime)JsonNode.Parse(manifest)!["createdAt"]!);
        using var verification = new StreamReader(zip.GetEntry("verification.jsonl")!.Open());
        Assert.True((bool)JsonNode.Parse(verification.ReadLine()!)!["intact"]!);
    }

    /// <summary>Counts queries of the History table's rows of one instance (a trail's records are read by such a query).</summary>
    private sealed class TrailQueries : HttpPipelineSynchronousPolicy
    {
        private readonly List<string> queries = [];

        public int Of(string instanceId)
        {
            lock (queries)
            {
                return queries.Count(q => q.Contains(instanceId, StringComparison.Ordinal));
            }
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            var uri = message.Request.Uri.ToUri();
            if (message.Request.Method == RequestMethod.Get && uri.AbsolutePath.EndsWith("History()", StringComparison.Ordinal))
            {
                lock (queries)
                {
                    queries.Add(Uri.UnescapeDataString(uri.Query));
                }
            }
        }
    }
}
