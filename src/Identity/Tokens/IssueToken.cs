using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Wolverine.Http;

namespace Shop.Identity.Tokens;

public sealed record RequestToken(string? Email, string? Password) : IHasExample<RequestToken>
{
    public static RequestToken Example => new("ada@example.com", "correct horse battery staple");
}

/// <summary>
/// The JSON log-in of earlier releases, kept for one more release beside the OAuth 2.0 token endpoint
/// (POST /oauth/token), which also hands out refresh tokens. The same throttle applies. Every refusal
/// is the same 401 after the same amount of hashing, so the answer does not tell which part was wrong.
/// </summary>
public static class IssueTokenEndpoint
{
    public static ProblemDetails Validate(RequestToken request) => Validation.Check(
        ("email", string.IsNullOrWhiteSpace(request.Email) ? "E-mail is required." : null),
        ("password", string.IsNullOrEmpty(request.Password) ? "Password is required." : null),
        ("password", request.Password?.Length > CredentialRules.MaxPasswordLength ? "Password is too long." : null));

    [WolverinePost("/auth/token", OperationId = "issueToken"), AllowAnonymous, OperationEndpoint, Obsolete("Use POST /oauth/token (OAuth 2.0, form-encoded), which also issues refresh tokens.")]
    [EndpointSummary("Log in with a JSON e-mail and password for an access token (deprecated: use requestToken)."), ProducesResponseType<IssuedToken>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(RequestToken request, LogIn logIn, TokenIssuer issuer, HttpContext http, CancellationToken ct) =>
        await logIn.CheckAsync(request.Email!, request.Password!, ClientAddress.Of(http), ct) switch
        {
            LogInOutcome.Accepted accepted => Results.Ok(issuer.Issue(accepted.User)),
            LogInOutcome.Throttled throttled => ClientAddress.TooManyAttempts(http, throttled.RetryAfter),
            _ => Results.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Invalid credentials",
                detail: "The e-mail or password is wrong, or the account is deactivated."),
        };
}
