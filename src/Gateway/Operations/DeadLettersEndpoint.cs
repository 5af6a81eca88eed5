using System.Text.Json;
using Shop.Gateway.Routing;
using Shop.ServiceDefaults.DeadLetters;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Operations;

/// <summary>Every service's dead-letter overview in one answer; a service that could not be asked is named.</summary>
public sealed record ShopDeadLetters(int Total, IReadOnlyDictionary<string, JsonElement> Services, IReadOnlyList<string> Unavailable);

/// <summary>The dead letters across the shop: each service's <c>/admin/dead-letters</c>, asked in parallel with the caller's token.</summary>
public static class DeadLettersEndpoint
{
    /// <summary>The services with a message store, so with dead letters of their own.</summary>
    public static readonly IReadOnlyList<string> Services = ["identity", "inventory", "ordering", "payments", "notifications"];

    public static IEndpointRouteBuilder MapShopDeadLetters(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/admin/dead-letters", GetAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("listShopDeadLetters")
            .WithSummary("Show every service's dead letters grouped by failure, message type, endpoint or exception, in one call.")
            .Produces<ShopDeadLetters>();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(HttpContext http, IHttpClientFactory clients, ILoggerFactory logs, string groupBy = "failure")
    {
        if (!DeadLetterGroupings.ByName.ContainsKey(groupBy))
        {
            return Problems.BadRequest("groupBy", $"groupBy is one of {DeadLetterGroupings.Names}.");
        }

        var log = logs.CreateLogger("Shop.Gateway.Operations");
        var by = Uri.EscapeDataString(groupBy);
        var answers = await Task.WhenAll(Services.Select(s => DownstreamReads.ReadAsync(http, clients, $"http://{s}/admin/dead-letters?groupBy={by}", log)));
        var services = Services.Zip(answers)
            .Where(p => p.Second is { ValueKind: JsonValueKind.Object } answer && answer.TryGetProperty("total", out var total) && total.ValueKind == JsonValueKind.Number)
            .ToDictionary(p => p.First, p => p.Second!.Value);
        return Results.Ok(new ShopDeadLetters(
            services.Values.Sum(o => o.GetProperty("total").GetInt32()),
            services,
            [.. Services.Where(s => !services.ContainsKey(s))]));
    }
}
