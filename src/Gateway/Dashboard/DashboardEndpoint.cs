using System.Text.Json;
using Shop.Gateway.Routing;

namespace Shop.Gateway.Dashboard;

/// <summary>The caller's profile, five latest orders and notifications; what could not be fetched is named.</summary>
public sealed record DashboardView(JsonElement? Profile, JsonElement? Orders, JsonElement? Notifications, IReadOnlyList<string> Unavailable);

/// <summary>
/// One call for a client's home screen: three services asked in parallel, each with its own time
/// limit. A part that fails or is late is left out and named in <c>unavailable</c>; the answer is
/// still 200.
/// </summary>
public static class DashboardEndpoint
{
    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/dashboard", GetAsync).RequireAuthorization().WithName("getDashboard")
            .WithSummary("Read the caller's profile, five latest orders and notifications in one call.").Produces<DashboardView>();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(HttpContext http, IHttpClientFactory clients, ILoggerFactory logs)
    {
        var log = logs.CreateLogger("Shop.Gateway.Dashboard");
        var parts = new (string Name, string Url)[]
        {
            ("profile", "http://identity/users/me"),
            ("orders", "http://ordering/orders?pageSize=5"),
            ("notifications", "http://notifications/notifications?pageSize=5"),
        };
        var results = await Task.WhenAll(parts.Select(p => DownstreamReads.ReadAsync(http, clients, p.Url, log)));
        return Results.Ok(new DashboardView(
            results[0],
            results[1],
            results[2],
            [.. parts.Zip(results).Where(p => p.Second is null).Select(p => p.First.Name)]));
    }
}
