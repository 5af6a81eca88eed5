using Yarp.ReverseProxy.Configuration;

namespace Shop.Gateway.ApiReference;

/// <summary>
/// Which of a service's endpoints the gateway exposes, and at which address, read from the proxy's own routes
/// so the published documents can never list a path the gateway does not forward.
/// </summary>
public sealed class GatewayRoutes(IReadOnlyList<RouteConfig> routes)
{
    private const string CatchAll = "/{**";

    /// <summary>The address a client calls for <paramref name="servicePath"/> of <paramref name="cluster"/>, or null when no route forwards it.</summary>
    public string? GatewayPathFor(string cluster, string method, string servicePath) => routes
        .Where(r => r.ClusterId == cluster && (r.Match.Methods is null || r.Match.Methods.Contains(method, StringComparer.OrdinalIgnoreCase)))
        .OrderBy(r => r.Order ?? 0)
        .Select(r => PrefixOf(r) + servicePath is var candidate && Matches(r.Match.Path, candidate) ? candidate : null)
        .FirstOrDefault(p => p is not null);

    public IReadOnlyList<string> Clusters => [.. routes.Select(r => r.ClusterId).OfType<string>().Distinct(StringComparer.Ordinal)];

    private static string PrefixOf(RouteConfig route) =>
        route.Transforms?.Select(t => t.TryGetValue("PathRemovePrefix", out var prefix) ? prefix : null).FirstOrDefault(p => p is not null) ?? "";

    private static bool Matches(string? pattern, string path)
    {
        if (pattern is null)
        {
            return false;
        }

        var catchAll = pattern.IndexOf(CatchAll, StringComparison.Ordinal);
        return catchAll < 0
            ? string.Equals(pattern, path, StringComparison.OrdinalIgnoreCase)
            : path.StartsWith(pattern[..catchAll] + "/", StringComparison.OrdinalIgnoreCase);
    }
}
