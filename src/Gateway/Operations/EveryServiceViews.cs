using Shop.Gateway.Routing;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Operations;

/// <summary>
/// The operators' views that are every service's own answer side by side: projection progress with the messaging
/// backlog, and the latest audit-trail verification. A service that could not be asked is named under <c>unavailable</c>.
/// </summary>
public static class EveryServiceViews
{
    public static IEndpointRouteBuilder MapEveryServiceViews(this IEndpointRouteBuilder endpoints)
    {
        Map(endpoints, "/api/admin/projections", "/admin/projections", "shards", "listShopProjections",
            "Show every service's projection progress and lag, outbox backlog and dead letters, in one call.");
        Map(endpoints, "/api/admin/audit", "/admin/audit", "latest", "getShopAuditStatus",
            "Read every service's latest verification of its event log, in one call.");
        return endpoints;
    }

    private static void Map(IEndpointRouteBuilder endpoints, string route, string servicePath, string member, string name, string summary) =>
        endpoints.MapGet(route, async (HttpContext http, IHttpClientFactory clients, ILoggerFactory logs) =>
                Results.Ok(await EveryService.ReadAsync(http, clients, logs.CreateLogger("Shop.Gateway.Operations"), servicePath, member)))
            .RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName(name).WithSummary(summary).Produces<EveryServiceAnswer>();
}
