using Microsoft.AspNetCore.DataProtection;

namespace Governance.Functions.Api;

/// <summary>
/// Continuation tokens handed to clients are the storage token sealed with ASP.NET Core Data Protection and bound to
/// the listing's filters, so a forged, truncated or borrowed token is refused (400) instead of silently restarting or
/// resuming some other listing.
/// </summary>
public sealed class ContinuationTokens(IDataProtectionProvider provider)
{
    private static readonly HashSet<string> NotPartOfScope = new(StringComparer.OrdinalIgnoreCase) { "continuationToken", "top", "code", "showInput" };

    private readonly IDataProtector protector = provider.CreateProtector("Governance.Functions.ContinuationToken.v1");

    public string Seal(string storageToken, HttpRequest request) => protector.Protect(Scope(request) + "\n" + storageToken);

    public bool TryOpen(string token, HttpRequest request, out string storageToken)
    {
        storageToken = string.Empty;
        string opened;
        try
        {
            opened = protector.Unprotect(token);
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return false;
        }

        int newline = opened.IndexOf('\n', StringComparison.Ordinal);
        if (newline < 0 || !string.Equals(opened[..newline], Scope(request), StringComparison.Ordinal))
        {
            return false;
        }

        storageToken = opened[(newline + 1)..];
        return storageToken.Length > 0;
    }

    /// <summary>The path and the filters (not the page size) of the listing, in a canonical order.</summary>
    private static string Scope(HttpRequest request)
        => request.Path.Value + "?" + string.Join("&", request.Query
            .Where(kv => !NotPartOfScope.Contains(kv.Key))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value.ToString())));
}
