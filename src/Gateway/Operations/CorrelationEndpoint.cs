using Shop.Gateway.Routing;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Operations;

/// <summary>One request's events across the shop, in the order they happened; a service that could not be asked is named.</summary>
public sealed record ShopCorrelation(string CorrelationId, IReadOnlyList<CorrelatedEvent> Events, bool Truncated, IReadOnlyList<string> Unavailable);

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

    /// <summary>Every service's events for <paramref name="correlationId"/>, merged into one timeline; null when the id is malformed.</summary>
    public static async Task<ShopCorrelation?> FollowAsync(string correlationId, AdminApi services)
    {
        if (!CorrelationEndpoints.Acceptable().IsMatch(correlationId))
        {
            return null;
        }

        var answers = await services.ReadEveryAsync<CorrelatedEvents>($"/admin/correlations/{correlationId}");
        var answered = answers.Values.Select(a => a.Value).OfType<CorrelatedEvents>().ToList();
        // Each service's events are in append order; across services the commit timestamps order them, since a
        // message is only sent once the transaction that caused it has committed.
        var events = answered.SelectMany(a => a.Events).OrderBy(e => e.Event.Timestamp).ToList();
        return new ShopCorrelation(
            correlationId, events, answered.Any(a => a.Truncated), [.. answers.Where(a => a.Value.Value is null).Select(a => a.Key)]);
    }

    private static async Task<IResult> GetAsync(string correlationId, AdminApi services) =>
        await FollowAsync(correlationId, services) is { } correlation
            ? Results.Ok(correlation)
            : Problems.BadRequest("correlationId", CorrelationEndpoints.Malformed);
}
