using System.Text.Json;
using Shop.Gateway.Routing;
using Shop.ServiceDefaults.DeadLetters;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Operations;

/// <summary>Every service's dead-letter overview in one answer; a service that could not be asked is named.</summary>
public sealed record ShopDeadLetters(int Total, IReadOnlyDictionary<string, JsonElement> Services, IReadOnlyList<string> Unavailable);

/// <summary>The dead letters across the shop: each service's <c>/admin/dead-letters</c>, asked in parallel with the caller's token.</summary>
public static class DeadLettersEndpoint
{
    public static IEndpointRouteBuilder MapShopDeadLetters(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/admin/dead-letters", GetAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("listShopDeadLetters")
            .WithSummary("Show every service's dead letters grouped by failure, message type, endpoint or exception, in one call.")
            .Produces<ShopDeadLetters>();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(HttpContext http, IHttpClientFactory clients, ILoggerFactory logs, string groupBy = "failure")
    {
        if (DeadLetterGroupings.Problem(groupBy) is { } problem)
        {
            return problem;
        }

        var every = await EveryService.ReadAsync(
            http, clients, logs.CreateLogger("Shop.Gateway.Operations"), $"/admin/dead-letters?groupBy={Uri.EscapeDataString(groupBy)}", "total");
        return Results.Ok(new ShopDeadLetters(every.Services.Values.Sum(o => o.GetProperty("total").GetInt32()), every.Services, every.Unavailable));
    }
}
