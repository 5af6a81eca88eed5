namespace Shop.Gateway.Console.Shared;

public static class LocalPaths
{
    /// <summary>Only a console page is a place to return to, so a crafted link cannot send a signed-in operator elsewhere.</summary>
    public static string Console(string? path, string fallback = "/console") =>
        path is not null && (path == "/console" || path.StartsWith("/console/", StringComparison.Ordinal) || path.StartsWith("/console?", StringComparison.Ordinal))
            && !path.Contains('\\') && Uri.IsWellFormedUriString(path, UriKind.Relative)
            ? path
            : fallback;
}
