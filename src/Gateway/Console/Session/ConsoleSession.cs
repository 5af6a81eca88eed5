using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Net.Http.Headers;

namespace Shop.Gateway.Console.Session;

/// <summary>
/// Turns the console's cookies into the bearer token every part of the shop understands, for console requests only
/// (the API never accepts a cookie, so a page elsewhere cannot make a browser call it with the operator's rights).
/// A token about to expire is renewed with the refresh token first, so an operator stays signed in while working.
/// </summary>
public static class ConsoleSession
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromSeconds(60);

    public static WebApplication UseConsoleSession(this WebApplication app)
    {
        app.UseWhen(IsConsole, console => console.Use(async (http, next) =>
        {
            if (await TokenOfAsync(http) is { } token)
            {
                http.Request.Headers.Authorization = $"Bearer {token}";
            }

            await next(http);
        }));
        return app;
    }

    public static bool IsConsole(HttpContext http) => http.Request.Path.StartsWithSegments(ConsoleCookies.Path);

    private static async Task<string?> TokenOfAsync(HttpContext http)
    {
        if (http.Request.Headers.ContainsKey(HeaderNames.Authorization))
        {
            return null;
        }

        var access = http.Request.Cookies[ConsoleCookies.AccessToken];
        if (access is not null && ExpiresAt(access) > DateTime.UtcNow + RenewBefore)
        {
            return access;
        }

        if (http.Request.Cookies[ConsoleCookies.RefreshToken] is not { } refresh)
        {
            return access;
        }

        var renewed = await http.RequestServices.GetRequiredService<IdentityTokens>().RenewAsync(http, refresh);
        if (renewed.Tokens is { } tokens)
        {
            ConsoleCookies.Keep(http, tokens);
            return tokens.AccessToken;
        }

        // A refresh token that was revoked or has expired ends the session; one Identity could not check does not.
        if (renewed.Refusal != SignInRefusal.Unreachable)
        {
            ConsoleCookies.Forget(http);
        }

        return access;
    }

    private static DateTime ExpiresAt(string token)
    {
        try
        {
            return new JsonWebToken(token).ValidTo;
        }
        catch (ArgumentException)
        {
            return DateTime.MinValue;
        }
    }
}
