using System.Text.Json.Nodes;
using Microsoft.Extensions.Caching.Memory;
using Scalar.AspNetCore;
using Shop.Gateway.Dashboard;
using Shop.ServiceDefaults.OpenApi;
using Yarp.ReverseProxy.Configuration;

namespace Shop.Gateway.ApiReference;

/// <summary>One entry of the API index: a document and where to fetch it.</summary>
public sealed record ApiDocumentLink(string Name, string Title, string Url);

/// <summary>
/// The API reference for clients: every service's document as seen through the gateway at
/// <c>/openapi/{service}.json</c>, an index at <c>/openapi</c>, and a browsable page at <c>/docs</c>.
/// </summary>
public static class ApiReferenceEndpoints
{
    public const string GatewayDocumentName = "gateway";
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A service's document changes only when it is deployed: fetched and rewritten at most this often.</summary>
    private static readonly TimeSpan KeepDocumentFor = TimeSpan.FromMinutes(1);

    public static IEndpointRouteBuilder MapApiReference(this IEndpointRouteBuilder endpoints)
    {
        var routes = new GatewayRoutes(endpoints.ServiceProvider.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes);
        var links = new List<ApiDocumentLink> { new(GatewayDocumentName, "Gateway", OpenApiDefaults.DocumentPath) };
        foreach (var cluster in routes.Clusters)
        {
            var url = $"/openapi/{cluster}.json";
            links.Add(new ApiDocumentLink(cluster, char.ToUpperInvariant(cluster[0]) + cluster[1..], url));
            endpoints.MapGet(url, (IHttpClientFactory clients, IMemoryCache cache, CancellationToken ct) => ServiceDocumentAsync(cluster, routes, clients, cache, ct))
                .AllowAnonymous().ExcludeFromDescription();
        }

        endpoints.MapGet("/openapi", () => Results.Ok(links)).AllowAnonymous().ExcludeFromDescription();
        endpoints.MapScalarApiReference("/docs", options =>
        {
            options.WithTitle("Shop API")
                .DisableDefaultFonts()
                .DisableTelemetry()
                .DisableAgent()
                .DisableMcp()
                .AddPreferredSecuritySchemes([OpenApiDefaults.BearerScheme])
                .EnablePersistentAuthentication();
            foreach (var link in links)
            {
                options.AddDocument(link.Name, link.Title, link.Url, isDefault: link.Name == "ordering");
            }
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> ServiceDocumentAsync(string cluster, GatewayRoutes routes, IHttpClientFactory clients, IMemoryCache cache, CancellationToken ct)
    {
        var key = $"openapi:{cluster}";
        if (cache.TryGetValue(key, out string? kept))
        {
            return Results.Content(kept, "application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(FetchTimeout);
        try
        {
            var client = clients.CreateClient(DashboardEndpoint.Client);
            var document = JsonNode.Parse(await client.GetStringAsync($"http://{cluster}{OpenApiDefaults.DocumentPath}", timeout.Token))!.AsObject();
            var rewritten = GatewayDocument.From(document, cluster, routes).ToJsonString();
            cache.Set(key, rewritten, KeepDocumentFor);
            return Results.Content(rewritten, "application/json");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service unavailable",
                detail: $"The {cluster} service did not answer with its API description; retry later.");
        }
    }
}
