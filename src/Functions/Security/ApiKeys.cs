using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Governance.Functions.Security;

/// <summary>Roles a key can have. Admin can do everything staff can, plus terminate/suspend/resume/purge.</summary>
public static class Roles
{
    public const string Staff = "staff";
    public const string Auditor = "auditor";
    public const string Admin = "admin";

    public static readonly string[] All = [Staff, Auditor, Admin];
}

/// <summary>Authorization policies used by the endpoints.</summary>
public static class Policies
{
    /// <summary>Read anything: staff, auditor, admin.</summary>
    public const string Read = "read";

    /// <summary>Start instances and submit steps: staff, admin.</summary>
    public const string Write = "write";

    /// <summary>Terminate, suspend, resume, purge: admin.</summary>
    public const string Admin = "admin";

    /// <summary>Audit trails, their verification, digests and exports: auditor, admin.</summary>
    public const string Audit = "audit";
}

/// <summary>Config <c>Auth:Keys:{i}:Name/Role/Secret|SecretSha256</c>.</summary>
public sealed class AuthSettings
{
    public List<ApiKey> Keys { get; set; } = [];

    public sealed class ApiKey
    {
        public string? Name { get; set; }
        public string? Role { get; set; }
        public string? Secret { get; set; }
        public string? SecretSha256 { get; set; }

        /// <summary>SHA-256 of the secret, computed once; what requests are compared against.</summary>
        internal byte[] Hash()
            => !string.IsNullOrEmpty(SecretSha256) ? Convert.FromHexString(SecretSha256) : SHA256.HashData(Encoding.UTF8.GetBytes(Secret ?? string.Empty));
    }
}

internal sealed class AuthSettingsValidator : IValidateOptions<AuthSettings>
{
    public ValidateOptionsResult Validate(string? name, AuthSettings options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Keys.Count; i++)
        {
            var key = options.Keys[i];
            string at = $"Auth:Keys:{i}";
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                errors.Add($"{at}:Name is required.");
            }
            else if (!names.Add(key.Name))
            {
                errors.Add($"{at}:Name '{key.Name}' is used by two keys.");
            }

            if (key.Role is null || !Roles.All.Contains(key.Role))
            {
                errors.Add($"{at}:Role must be one of {string.Join(", ", Roles.All)} (got '{key.Role}').");
            }

            bool hasSecret = !string.IsNullOrEmpty(key.Secret), hasHash = !string.IsNullOrEmpty(key.SecretSha256);
            if (hasSecret == hasHash)
            {
                errors.Add($"{at}: exactly one of Secret or SecretSha256 must be set.");
            }
            else if (hasSecret && key.Secret!.Length < 16)
            {
                errors.Add($"{at}:Secret must be at least 16 characters.");
            }
            else if (hasHash && (key.SecretSha256!.Length != 64 || !key.SecretSha256.All(Uri.IsHexDigit)))
            {
                errors.Add($"{at}:SecretSha256 must be 64 hexadecimal characters (SHA-256 of the secret).");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>
/// Functions-style keys: <c>x-functions-key</c> header or <c>code</c> query parameter. The presented key is hashed
/// and compared with every configured key's hash in constant time. Secrets are never logged.
/// </summary>
internal sealed class FunctionKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptions<AuthSettings> auth,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "FunctionKey";
    public const string HeaderName = "x-functions-key";

    private readonly (AuthSettings.ApiKey Key, byte[] Hash)[] keys = auth.Value.Keys.Select(k => (k, k.Hash())).ToArray();

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? presented = Request.Headers[HeaderName].FirstOrDefault();
        if (string.IsNullOrEmpty(presented))
        {
            presented = Request.Query["code"].FirstOrDefault();
        }

        if (string.IsNullOrEmpty(presented))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        AuthSettings.ApiKey? match = null;
        foreach (var (key, keyHash) in keys)
        {
            // Compare with every key (no early exit) so timing reveals nothing.
            if (CryptographicOperations.FixedTimeEquals(hash, keyHash))
            {
                match = key;
            }
        }

        if (match is null)
        {
            Logger.LogWarning("Rejected a request to {Path}: unknown key", Request.Path);
            return Task.FromResult(AuthenticateResult.Fail("Unknown key."));
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, match.Name!), new Claim(ClaimTypes.Role, match.Role!)], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "FunctionKey header=\"x-functions-key\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = Problems.Create(401, "Unauthorized",
                "A valid key is required in the x-functions-key header or the code query parameter.",
                "需要在 x-functions-key 请求头或 code 查询参数中提供有效的密钥。", field: HeaderName, rule: "key-required"),
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        string name = Context.User.Identity?.Name ?? "?";
        string role = Context.User.FindFirstValue(ClaimTypes.Role) ?? "?";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = Problems.Create(403, "Forbidden",
                $"The key '{name}' has role '{role}', which may not do this ({Request.Method} {Request.Path}).",
                $"密钥“{name}”的角色为“{role}”，无权执行此操作。", field: HeaderName, rule: "role"),
        });
    }
}
