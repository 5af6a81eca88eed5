using Shop.Gateway.Console.Session;

namespace Shop.Gateway.Console.Shared;

/// <summary>What an action did, shown once on the page it leads back to.</summary>
public sealed record Notice(string Text, bool Failed);

/// <summary>
/// An action's outcome travels to the next page in a short-lived cookie rather than in the address, so that a link
/// cannot make the console show words it did not write.
/// </summary>
public static class ConsoleNotice
{
    private const string Cookie = "shop_console_notice";

    public static void Leave(HttpContext http, string text, bool failed = false) =>
        http.Response.Cookies.Append(Cookie, (failed ? "!" : "+") + text, ConsoleCookies.Options(http, TimeSpan.FromMinutes(1)));

    public static Notice? Take(HttpContext http)
    {
        if (http.Request.Cookies[Cookie] is not { Length: > 1 } value)
        {
            return null;
        }

        http.Response.Cookies.Delete(Cookie, ConsoleCookies.Options(http, null));
        return new Notice(value[1..], value[0] == '!');
    }
}
