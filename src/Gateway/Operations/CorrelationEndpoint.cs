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
            return Problems.BadRequest("correlationId", "A correlation id is 1 to 128 letters, digits, '.', '_', ':' or '-'.");
        }

        var log = logs.CreateLogger("Shop.Gateway.Operations");
        var services = DeadLettersEndpoint.Services;
        var answers = await Task.WhenAll(services.Select(s => DownstreamReads.ReadAsync(http, clients, $"http://{s}/admin/correlations/{correlationId}", log)));
        var answered = answers.Where(a => a is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty("events", out _)).Select(a => a!.Value).ToList();
        // Each service's events are in append order; across services the commit timestamps order them, since a
        // message is only sent once the transaction that caused it has committed.
        var events = answered
            .SelectMany(a => a.GetProperty("events").EnumerateArray())
            .OrderBy(e => e.GetProperty("event").GetProperty("timestamp").GetDateTimeOffset())
            .ToList();
        return Results.Ok(new ShopCorrelation(
            correlationId,
            events,
            answered.Any(a => a.GetProperty("truncated").GetBoolean()),
            [.. services.Zip(answers).Where(p => p.Second is not { ValueKind: JsonValueKind.Object } o || !o.TryGetProperty("events", out _)).Select(p => p.First)]));
    }
}
