using System.Net;
using System.Text.RegularExpressions;

namespace Governance.Functions.Tests;

/// <summary>The console's files come from the service itself, without a key, and reference nothing outside it.</summary>
[Collection(ServiceCollection.Name)]
public sealed class ConsoleAssetsTests(ServiceFixture fixture)
{
    [Fact]
    public async Task The_console_is_served_without_a_key_with_a_same_origin_policy_and_no_external_references()
    {
        var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = fixture.Host.BaseAddress };
        using (var bare = await noRedirect.GetAsync("/console"))
        {
            Assert.Equal(HttpStatusCode.Redirect, bare.StatusCode);
            Assert.Equal("/console/", bare.Headers.Location?.OriginalString);
        }

        foreach (var (path, type) in new[] { ("/console/", "text/html"), ("/console/app.js", "text/javascript"), ("/console/app.css", "text/css"), ("/console/instance/x", "text/html") })
        {
            using var response = await fixture.Anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("default-src 'self'", response.Headers.GetValues("Content-Security-Policy").Single());
            string body = await response.Content.ReadAsStringAsync();
            Assert.DoesNotMatch(new Regex(@"(src|href)\s*=\s*[""']?(https?:)?//", RegexOptions.IgnoreCase), body);
            Assert.DoesNotContain("@import", body);
        }

        using var missing = await fixture.Anonymous.GetAsync("/console/missing.png");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var api = await fixture.Anonymous.GetAsync("/api/console/me");
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }
}
