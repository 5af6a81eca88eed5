using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.JsonWebTokens;
using Shop.Gateway.Console.Shared;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Console.Session;

/// <summary>
/// Signing in to the console with a shop account's e-mail and password (Identity's password grant), and out again
/// (the refresh token revoked). Only admins and auditors are let in; a page asked for without a session leads to the
/// sign-in form and back.
/// </summary>
public static class SignInEndpoints
{
    public const string SignInPage = "/console/sign-in";

    public static IEndpointRouteBuilder MapConsoleSession(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/console/session", SignInAsync).AllowAnonymous().RequireConsoleForm().ExcludeFromDescription();
        endpoints.MapPost("/console/session/end", SignOutAsync).AllowAnonymous().RequireConsoleForm().ExcludeFromDescription();
        return endpoints;
    }

    /// <summary>A console page asked for without a valid session leads to the sign-in form; one asked for by an account without the role is refused in words.</summary>
    public static IServiceCollection AddConsoleChallenges(this IServiceCollection services) =>
        services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
        {
            var challenge = o.Events.OnChallenge;
            var forbidden = o.Events.OnForbidden;
            o.Events.OnChallenge = context =>
            {
                if (!IsConsolePage(context.HttpContext))
                {
                    return challenge(context);
                }

                context.HandleResponse();
                var signIn = $"{SignInPage}?returnUrl={Uri.EscapeDataString(context.Request.Path + context.Request.QueryString)}";
                if (context.Request.Headers.ContainsKey("HX-Request"))
                {
                    // A piece of a page asked for by htmx: the whole page goes to the sign-in form, not the box it was refreshing.
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    context.Response.Headers["HX-Redirect"] = signIn;
                }
                else
                {
                    context.Response.Redirect(signIn);
                }

                return Task.CompletedTask;
            };
            o.Events.OnForbidden = context =>
            {
                if (!IsConsolePage(context.HttpContext))
                {
                    return forbidden(context);
                }

                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return new RazorComponentResult<Forbidden>().ExecuteAsync(context.HttpContext);
            };
        });

    private static bool IsConsolePage(HttpContext http) => ConsoleSession.IsConsole(http) && HttpMethods.IsGet(http.Request.Method);

    private static async Task<IResult> SignInAsync(
        HttpContext http, IdentityTokens identity, [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return Refused(SignInRefusal.Missing, returnUrl);
        }

        var answer = await identity.LogInAsync(http, email.Trim(), password);
        if (answer.Tokens is not { } tokens)
        {
            return Refused(answer.Refusal ?? SignInRefusal.Refused, returnUrl);
        }

        var roles = new JsonWebToken(tokens.AccessToken).Claims.Where(c => c.Type == "role").Select(c => c.Value).ToHashSet();
        if (!roles.Contains(ShopRoles.Admin) && !roles.Contains(ShopRoles.Auditor))
        {
            await identity.RevokeAsync(http, tokens.RefreshToken);
            return Refused(SignInRefusal.NotAnOperator, returnUrl);
        }

        ConsoleCookies.Keep(http, tokens);
        return Results.Redirect(LocalPaths.Console(returnUrl));
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, IdentityTokens identity)
    {
        if (http.Request.Cookies[ConsoleCookies.RefreshToken] is { } refresh)
        {
            await identity.RevokeAsync(http, refresh);
        }

        ConsoleCookies.Forget(http);
        return Results.Redirect($"{SignInPage}?signedOut=true");
    }

    private static IResult Refused(SignInRefusal why, string? returnUrl) =>
        Results.Redirect($"{SignInPage}?refused={why}&returnUrl={Uri.EscapeDataString(LocalPaths.Console(returnUrl))}");
}

/// <summary>Why a sign-in did not succeed, as the sign-in form explains it.</summary>
public enum SignInRefusal
{
    Missing,
    Refused,
    Throttled,
    Unreachable,
    NotAnOperator,
}
