using System.Text.Json;
using Shop.Gateway.Routing;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Operations;

/// <summary>One request's events across the shop, in the order they happened; a service that could not be asked is named.</summary>
public sealed record ShopCorrelation(string CorrelationId, IReadOnlyList<JsonElement> Events, bool Truncated, IReadOnlyList<string> Unavailable);

/// <summary>Follows a correlation id (a checkout's trace id) through every service with an event log.</summary>
public static class CorrelationEndpoint
{
    public static IEndpointRouteBuilder MapShopCorrelations(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/admin/correlations/{correlationId}", GetAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor)
            .WithName("followShopCorrelation")
            .WithSummary("Follow one correlation id through every service: the events it caused in Identity, Inventory, Ordering, Payments and Notifications, in order.")
            .Produces<ShopCorrelation>();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string correlationId, HttpContext http, IHttpClientFactory clients, ILoggerFactory logs)
    {
        if (!CorrelationEndpoints.Acceptable().IsMatch(correlationId))
        {
            return Problems.BadRequest("correlationId", CorrelationEndpoints.Malformed);
        }

        var every = await EveryService.ReadAsync(http, clients, logs.CreateLogger("Shop.Gateway.Operations"), $"/admin/correlations/{correlationId}", "events");
        // Each service's events are in append order; across services the commit timestamps order them, since a
        // message is only sent once the transaction that caused it has committed.
        var events = every.Services.Values
            .SelectMany(a => a.GetProperty("events").EnumerateArray())
            .OrderBy(e => e.GetProperty("event").GetProperty("timestamp").GetDateTimeOffset())
            .ToList();
        return Results.Ok(new ShopCorrelation(
            correlationId, events, every.Services.Values.Any(a => a.TryGetProperty("truncated", out var t) && t.GetBoolean()), every.Unavailable));
    }
}
