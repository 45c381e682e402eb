namespace Governance.Functions.Tests;

/// <summary>
/// A test class over the real governance processes: each test gets its own service and task hub in the collection's
/// Azurite, and a staff client.
/// </summary>
public abstract class GovernanceServiceTest(ServiceFixture fixture) : IAsyncLifetime
{
    private ServiceHost host = null!;

    protected HttpClient Staff { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        host = await TestService.StartGovernanceAsync(fixture.ConnectionString, "gov" + Guid.NewGuid().ToString("N")[..10]);
        Staff = host.Client("staff");
    }

    public async Task DisposeAsync() => await host.DisposeAsync();

    /// <summary>Waits until the instance awaits <paramref name="step"/>, then submits it as staff.</summary>
    protected async Task<HttpResponseMessage> SubmitAsync(string id, string step, object payload)
    {
        await Http.WaitForStepAsync(Staff, id, step);
        return await Staff.PostAsync($"/api/workflows/{id}/events/{step}", Http.Json(payload));
    }
}
