using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Governance.Functions.Api;

/// <summary>
/// Continuation tokens handed to clients are the storage token with a checksum over it and the listing's filters, so
/// a garbled, truncated or borrowed token is refused (400) instead of silently restarting or resuming some other
/// listing. There is no secret in it (any reader may list everything), so it works on every host and after restarts.
/// </summary>
public sealed class ContinuationTokens
{
    private const int ChecksumBytes = 16;
    private static readonly HashSet<string> NotPartOfScope = new(StringComparer.OrdinalIgnoreCase) { "continuationToken", "top", "code", "showInput" };

    public string Seal(string storageToken, HttpRequest request)
    {
        byte[] storage = Encoding.UTF8.GetBytes(storageToken);
        return Base64Url.EncodeToString([.. Checksum(Scope(request), storage), .. storage]);
    }

    public bool TryOpen(string token, HttpRequest request, out string storageToken)
    {
        storageToken = string.Empty;
        byte[] raw;
        try
        {
            raw = Base64Url.DecodeFromChars(token);
        }
        catch (FormatException)
        {
            return false;
        }

        if (raw.Length <= ChecksumBytes || !CryptographicOperations.FixedTimeEquals(raw.AsSpan(0, ChecksumBytes), Checksum(Scope(request), raw.AsSpan(ChecksumBytes))))
        {
            return false;
        }

        storageToken = Encoding.UTF8.GetString(raw, ChecksumBytes, raw.Length - ChecksumBytes);
        return true;
    }

    private static byte[] Checksum(string scope, ReadOnlySpan<byte> storage)
        => SHA256.HashData([.. Encoding.UTF8.GetBytes(scope + "\n"), .. storage])[..ChecksumBytes];

    /// <summary>The path and the filters (not the page size) of the listing, in a canonical order.</summary>
    private static string Scope(HttpRequest request)
        => request.Path.Value + "?" + string.Join("&", request.Query
            .Where(kv => !NotPartOfScope.Contains(kv.Key))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value.ToString())));
}
