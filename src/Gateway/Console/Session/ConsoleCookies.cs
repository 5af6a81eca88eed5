namespace Shop.Gateway.Console.Session;

/// <summary>
/// The console keeps the shop's own tokens in two cookies: readable by no script, sent only to the console's pages
/// and only from the console's own pages (SameSite=Strict), marked Secure whenever the console is reached over HTTPS.
/// </summary>
public static class ConsoleCookies
{
    public const string Path = "/console";
    public const string AccessToken = "shop_console_access";
    public const string RefreshToken = "shop_console_refresh";

    public static void Keep(HttpContext http, TokenPair tokens)
    {
        http.Response.Cookies.Append(AccessToken, tokens.AccessToken, Options(http, TimeSpan.FromSeconds(tokens.ExpiresIn)));
        http.Response.Cookies.Append(RefreshToken, tokens.RefreshToken, Options(http, null));
    }

    public static void Forget(HttpContext http)
    {
        http.Response.Cookies.Delete(AccessToken, Options(http, null));
        http.Response.Cookies.Delete(RefreshToken, Options(http, null));
    }

    public static CookieOptions Options(HttpContext http, TimeSpan? lifetime) => new()
    {
        Path = Path,
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        // Behind a proxy that ends TLS the request here is plain HTTP; only a local run is reached without TLS.
        Secure = http.Request.IsHttps || !http.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment(),
        MaxAge = lifetime,
        IsEssential = true,
    };
}
