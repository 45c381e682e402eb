using System.Reflection;

namespace Governance.Functions.WebConsole;

/// <summary>
/// The web console at /console: static HTML, CSS and JS embedded in this assembly (nothing from a CDN, no web fonts,
/// so it works offline). The page itself is public; everything it shows comes from the API with the key the user signs in with.
/// </summary>
public static class ConsoleEndpoints
{
    private const string ResourcePrefix = "Governance.Functions.WebConsole.Assets.";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    private static readonly Lazy<Dictionary<string, byte[]>> Files = new(Load);

    public static IEndpointRouteBuilder MapConsole(this IEndpointRouteBuilder app)
    {
        // One endpoint: routing treats /console and /console/ alike, so the redirect (for relative URLs) is decided on the raw path.
        app.MapGet("/console/{**file}", (HttpContext context, string? file) =>
            {
                if (string.IsNullOrEmpty(file) && !(context.Request.Path.Value ?? "").EndsWith('/'))
                {
                    return Results.Redirect("/console/");
                }

                // Everything comes from this service: the policy makes that a promise the browser keeps.
                context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' blob: data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
                context.Response.Headers.XContentTypeOptions = "nosniff";
                return Serve(string.IsNullOrEmpty(file) ? "index.html" : file);
            })
            .AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    private static IResult Serve(string file)
    {
        if (!Files.Value.TryGetValue(file, out var bytes) || !ContentTypes.TryGetValue(Path.GetExtension(file), out var type))
        {
            // Unknown paths are the single-page app's own routes (e.g. /console/instance/…): give it the page.
            return Path.HasExtension(file) ? Results.NotFound() : Results.Bytes(Files.Value["index.html"], ContentTypes[".html"]);
        }

        return Results.Bytes(bytes, type);
    }

    private static Dictionary<string, byte[]> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name[ResourcePrefix.Length..]] = copy.ToArray();
        }

        return files;
    }
}
