using System.Globalization;
using System.Text.Json.Serialization;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Tokens;

/// <summary>The token request, form-encoded as OAuth 2.0 has it (RFC 6749 §4.3 and §6).</summary>
public sealed record TokenRequestForm(
    [property: JsonPropertyName("grant_type")] string GrantType,
    [property: JsonPropertyName("username")] string? Username = null,
    [property: JsonPropertyName("password")] string? Password = null,
    [property: JsonPropertyName("refresh_token")] string? RefreshToken = null) : IHasExample<TokenRequestForm>
{
    public static TokenRequestForm Example => new("password", "ada@example.com", "correct horse battery staple");
}

/// <summary>The revocation request, form-encoded (RFC 7009 §2.1).</summary>
public sealed record RevocationRequestForm(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("token_type_hint")] string? TokenTypeHint = null) : IHasExample<RevocationRequestForm>
{
    public static RevocationRequestForm Example => new("pD8uN2ugyZQ8H1xAnSB4ZcVJrWbX0jBdQ3kKq6fTm9E", "refresh_token");
}

/// <summary>A successful token answer (RFC 6749 §5.1).</summary>
public sealed record OAuthToken(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);

/// <summary>
/// Identity as an OAuth 2.0 token endpoint for the shop's own clients: the password grant for a
/// log-in, the refresh_token grant after it (single-use refresh tokens, rotated), and revocation.
/// </summary>
public static class OAuthEndpoints
{
    public const string TokenPath = "/oauth/token";
    public const string RevocationPath = "/oauth/revoke";

    public static IEndpointRouteBuilder MapOAuthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(TokenPath, TokenAsync).AllowAnonymous().DisableAntiforgery()
            .Produces<OAuthToken>()
            .WithMetadata(new OperationEndpointAttribute(), new OAuthErrorsAttribute(), new FormBodyAttribute(typeof(TokenRequestForm)))
            .WithName("requestToken")
            .WithSummary("Get an access token and a refresh token: the password grant to log in, the refresh_token grant to renew.");
        endpoints.MapPost(RevocationPath, RevokeAsync).AllowAnonymous().DisableAntiforgery()
            .Produces(StatusCodes.Status200OK)
            .WithMetadata(new OperationEndpointAttribute(), new OAuthErrorsAttribute(), new FormBodyAttribute(typeof(RevocationRequestForm)))
            .WithName("revokeToken")
            .WithSummary("Revoke a refresh token, and with it every token of the same log-in (log out).");
        return endpoints;
    }

    private static async Task<IResult> TokenAsync(HttpContext http, LogIn logIn, RefreshTokenStore refreshTokens, TokenIssuer issuer, CancellationToken ct)
    {
        NoStore(http);
        if (!http.Request.HasFormContentType)
        {
            return NotAForm();
        }

        var form = await http.Request.ReadFormAsync(ct);
        return Single(form, "grant_type") switch
        {
            null => Error("invalid_request", "grant_type is required."),
            "password" => await PasswordGrantAsync(form, http, logIn, refreshTokens, issuer, ct),
            "refresh_token" => await RefreshGrantAsync(form, refreshTokens, issuer, ct),
            var other => Error("unsupported_grant_type", $"The grant type '{other}' is not supported: use password or refresh_token."),
        };
    }

    private static async Task<IResult> PasswordGrantAsync(IFormCollection form, HttpContext http, LogIn logIn, RefreshTokenStore refreshTokens, TokenIssuer issuer, CancellationToken ct)
    {
        if (Single(form, "username") is not { } username || Single(form, "password") is not { } password)
        {
            return Error("invalid_request", "username and password are required, once each.");
        }

        if (password.Length > CredentialRules.MaxPasswordLength)
        {
            return Error("invalid_request", "password is too long.");
        }

        return await logIn.CheckAsync(username, password, ClientAddress.Of(http), ct) switch
        {
            LogInOutcome.Accepted accepted => Issued(issuer, accepted.User, await refreshTokens.StartAsync(accepted.User.Id, ct)),
            LogInOutcome.Throttled throttled => ClientAddress.TooManyAttempts(http, throttled.RetryAfter),
            _ => Error("invalid_grant", "The e-mail or password is wrong, or the account is deactivated."),
        };
    }

    private static async Task<IResult> RefreshGrantAsync(IFormCollection form, RefreshTokenStore refreshTokens, TokenIssuer issuer, CancellationToken ct)
    {
        if (Single(form, "refresh_token") is not { } presented)
        {
            return Error("invalid_request", "refresh_token is required, once.");
        }

        var refreshed = await refreshTokens.RotateAsync(presented, ct);
        return refreshed is { User: { } user, Successor: { } successor } ? Issued(issuer, user, successor) : Error("invalid_grant", refreshed.Refusal!);
    }

    private static async Task<IResult> RevokeAsync(HttpContext http, RefreshTokenStore refreshTokens, CancellationToken ct)
    {
        NoStore(http);
        if (!http.Request.HasFormContentType)
        {
            return NotAForm();
        }

        var form = await http.Request.ReadFormAsync(ct);
        if (Single(form, "token") is not { } token)
        {
            return Error("invalid_request", "token is required, once.");
        }

        // An access token cannot be revoked (it expires on its own); RFC 7009 answers 200 all the same.
        await refreshTokens.RevokeAsync(token, ct);
        return Results.Ok();
    }

    private static IResult Issued(TokenIssuer issuer, Users.User user, string refreshToken)
    {
        var access = issuer.Issue(user);
        return Results.Ok(new OAuthToken(access.AccessToken, access.TokenType, access.ExpiresIn, refreshToken));
    }

    /// <summary>A parameter sent exactly once (RFC 6749 §3.2: parameters must not be repeated), or null.</summary>
    private static string? Single(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values is [{ Length: > 0 } value] ? value : null;

    private static IResult NotAForm() => Error("invalid_request", "Send the parameters form-encoded (Content-Type: application/x-www-form-urlencoded), as OAuth 2.0 requires.");

    private static IResult Error(string error, string description) =>
        Results.Json(new OAuthError(error, description), statusCode: StatusCodes.Status400BadRequest);

    // RFC 6749 §5.1: token answers must not be cached.
    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.Pragma = "no-cache";
    }
}

/// <summary>The client's address as the gateway saw it, and the answer a throttled caller gets.</summary>
public static class ClientAddress
{
    public static string Of(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    public static IResult TooManyAttempts(HttpContext http, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many failed log-ins",
            detail: $"Too many wrong passwords for this account or from this address: try again in {seconds} s.",
            extensions: Problems.Code(ProblemCodes.TooManyFailedLogIns));
    }
}
