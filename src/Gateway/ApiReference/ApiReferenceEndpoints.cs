using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.OpenApi;
using Scalar.AspNetCore;
using Shop.Gateway.Routing;
using Shop.ServiceDefaults.OpenApi;
using Yarp.ReverseProxy.Configuration;

namespace Shop.Gateway.ApiReference;

/// <summary>One entry of the API index: a document and where to fetch it.</summary>
public sealed record ApiDocumentLink(string Name, string Title, string Url);

/// <summary>
/// The API reference for clients: every service's document as seen through the gateway at
/// <c>/openapi/{service}.json</c>, all of them in one at <c>/openapi/shop.json</c>, an index at
/// <c>/openapi</c>, and a browsable page at <c>/docs</c>.
/// </summary>
public static class ApiReferenceEndpoints
{
    public const string GatewayDocumentName = "gateway";
    public const string CombinedDocumentName = "shop";
    private const string CombinedDocumentPath = "/openapi/" + CombinedDocumentName + ".json";
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

        links.Insert(0, new ApiDocumentLink(CombinedDocumentName, "All services", CombinedDocumentPath));
        endpoints.MapGet(CombinedDocumentPath, (IHttpClientFactory clients, IMemoryCache cache, IServiceProvider services, CancellationToken ct) =>
            CombinedDocumentAsync(routes, clients, cache, services, ct)).AllowAnonymous().ExcludeFromDescription();
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
                options.AddDocument(link.Name, link.Title, link.Url, isDefault: link.Name == CombinedDocumentName);
            }
        }).AllowAnonymous().ExcludeFromDescription();
        return endpoints;
    }

    private static async Task<IResult> ServiceDocumentAsync(string cluster, GatewayRoutes routes, IHttpClientFactory clients, IMemoryCache cache, CancellationToken ct)
    {
        try
        {
            return Results.Content((await GatewayDocumentAsync(cluster, routes, clients, cache, ct)).ToJsonString(), "application/json");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return Unavailable(cluster);
        }
    }

    /// <summary>The gateway's own operations and every service's, in one document; 503 naming the first service that does not answer.</summary>
    private static async Task<IResult> CombinedDocumentAsync(
        GatewayRoutes routes, IHttpClientFactory clients, IMemoryCache cache, IServiceProvider services, CancellationToken ct)
    {
        var own = await services.GetRequiredKeyedService<IOpenApiDocumentProvider>(OpenApiDefaults.DocumentName).GetOpenApiDocumentAsync(ct);
        var documents = new List<JsonObject> { JsonNode.Parse(await own.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1, ct))!.AsObject() };
        foreach (var cluster in routes.Clusters)
        {
            try
            {
                documents.Add(await GatewayDocumentAsync(cluster, routes, clients, cache, ct));
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                return Unavailable(cluster);
            }
        }

        return Results.Content(GatewayDocument.Combine(documents).ToJsonString(), "application/json");
    }

    private static async Task<JsonObject> GatewayDocumentAsync(string cluster, GatewayRoutes routes, IHttpClientFactory clients, IMemoryCache cache, CancellationToken ct)
    {
        var key = $"openapi:{cluster}";
        if (!cache.TryGetValue(key, out JsonObject? kept))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(FetchTimeout);
            var client = clients.CreateClient(DownstreamReads.Client);
            var document = JsonNode.Parse(await client.GetStringAsync($"http://{cluster}{OpenApiDefaults.DocumentPath}", timeout.Token))!.AsObject();
            kept = GatewayDocument.From(document, cluster, routes);
            cache.Set(key, kept, KeepDocumentFor);
        }

        return kept!;
    }

    private static IResult Unavailable(string cluster) => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Service unavailable",
        detail: $"The {cluster} service did not answer with its API description; retry later.");
}
