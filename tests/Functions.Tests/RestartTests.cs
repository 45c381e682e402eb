using System.Net;

namespace Governance.Functions.Tests;

/// <summary>The service stops in the middle of a process; a new service on the same storage carries it to completion.</summary>
[Collection(ServiceCollection.Name)]
public sealed class RestartTests(ServiceFixture fixture)
{
    [Fact]
    public async Task Process_survives_a_restart_of_the_service_and_completes()
    {
        string hub = "rst" + Guid.NewGuid().ToString("N")[..10];
        string id = $"restart-{Guid.NewGuid():N}";

        await using (var first = await TestService.StartAsync(fixture.ConnectionString, hub))
        {
            var staff = first.Client("staff");
            using var start = await staff.PostAsync($"/api/workflows/{TestCatalog.Workflow}?instanceId={id}", Http.Json(TestService.Input(title: "旧小区改造")));
            Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
            await Http.WaitForStepAsync(staff, id, "submit");
            using var submit = await staff.PostAsync($"/api/workflows/{id}/events/submit", Http.Json(new { by = "周", households = 56 }));
            Assert.Equal(HttpStatusCode.OK, submit.StatusCode);
            await Http.WaitForStepAsync(staff, id, "approve");
        }

        await using var second = await TestService.StartAsync(fixture.ConnectionString, hub);
        var staff2 = second.Client("staff");
        var status = await Http.WaitForStepAsync(staff2, id, "approve");
        Assert.Equal("Running", (string?)status["runtimeStatus"]);
        Assert.Equal("街道审批", (string?)status["currentStepZh"]);

        // The inbox of the new service shows the pending step.
        using var inbox = await staff2.GetAsync("/api/tasks?role=street-office");
        Assert.Contains((await inbox.ReadJsonAsync()).AsArray(), i => (string?)i!["instanceId"] == id);

        using var approve = await second.Client("admin").PostAsync($"/api/workflows/{id}/events/approve", Http.Json(new { approved = true, reason = "同意" }));
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);
        var done = await Http.WaitForStatusAsync(staff2, id, "Completed");
        Assert.Equal("旧小区改造: approved by 周 (56 households)", (string?)done["output"]);
    }
}
