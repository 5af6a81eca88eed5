using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.Identity.Credentials;
using Shop.Identity.Users;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Wolverine.Http;

namespace Shop.Identity.Tokens;

public sealed record RequestToken(string? Email, string? Password) : IHasExample<RequestToken>
{
    public static RequestToken Example => new("ada@example.com", "correct horse battery staple");
}

/// <summary>
/// Log-in: an access token for a correct e-mail and password of an active account. Every refusal is the
/// same 401 after the same amount of hashing, so the answer does not tell which part was wrong.
/// </summary>
public static class IssueTokenEndpoint
{
    public static ProblemDetails Validate(RequestToken request) => Validation.Check(
        ("email", string.IsNullOrWhiteSpace(request.Email) ? "E-mail is required." : null),
        ("password", string.IsNullOrEmpty(request.Password) ? "Password is required." : null),
        ("password", request.Password?.Length > CredentialRules.MaxPasswordLength ? "Password is too long." : null));

    [WolverinePost("/auth/token", OperationId = "issueToken"), AllowAnonymous, OperationEndpoint]
    [EndpointSummary("Log in: exchange an e-mail address and password for an access token."), ProducesResponseType<IssuedToken>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(RequestToken request, IDocumentSession session, PasswordHasher hasher, TokenIssuer issuer, CancellationToken ct)
    {
        var userId = await session.FindAsync(Registration.EmailClaim, request.Email!, ct);
        var user = userId is null ? null : await session.Events.AggregateStreamAsync<User>(userId.Value, token: ct);
        if (user is null)
        {
            hasher.VerifyDecoy(request.Password!);
            return Refused();
        }

        var check = hasher.Verify(user.PasswordHash, request.Password!);
        if (!check.Valid || !user.Active)
        {
            return Refused();
        }

        if (check.NeedsRehash)
        {
            session.Events.Append(user.Id, new PasswordRehashed(user.Id, hasher.Hash(request.Password!)));
        }

        return Results.Ok(issuer.Issue(user));
    }

    private static IResult Refused() => Results.Problem(
        statusCode: StatusCodes.Status401Unauthorized,
        title: "Invalid credentials",
        detail: "The e-mail or password is wrong, or the account is deactivated.");
}
