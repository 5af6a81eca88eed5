using System.Text.Json.Nodes;

namespace Shop.Gateway.ApiReference;

/// <summary>
/// A service's OpenAPI document as a client sees it through the gateway: its paths at their gateway
/// addresses, the paths the gateway does not forward left out, and the schemas only those used.
/// </summary>
public static class GatewayDocument
{
    private const string SchemaPrefix = "#/components/schemas/";

    public static JsonObject From(JsonObject service, string cluster, GatewayRoutes routes)
    {
        var document = service.DeepClone().AsObject();
        var paths = new JsonObject();
        foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                if (routes.GatewayPathFor(cluster, method.ToUpperInvariant(), path) is { } gatewayPath)
                {
                    paths[gatewayPath] ??= new JsonObject();
                    paths[gatewayPath]![method] = operation!.DeepClone();
                }
            }
        }

        document["paths"] = paths;
        PruneUnusedSchemas(document);
        return document;
    }

    private static void PruneUnusedSchemas(JsonObject document)
    {
        if (document["components"]?["schemas"] is not JsonObject schemas)
        {
            return;
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<JsonNode?>([document["paths"]]);
        while (pending.TryPop(out var node))
        {
            foreach (var name in ReferencesIn(node))
            {
                if (used.Add(name))
                {
                    pending.Push(schemas[name]);
                }
            }
        }

        foreach (var name in schemas.Select(s => s.Key).Where(n => !used.Contains(n)).ToList())
        {
            schemas.Remove(name);
        }
    }

    private static IEnumerable<string> ReferencesIn(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => p.Key == "$ref" && p.Value?.GetValue<string>() is { } target && target.StartsWith(SchemaPrefix, StringComparison.Ordinal)
            ? [target[SchemaPrefix.Length..]]
            : ReferencesIn(p.Value)),
        JsonArray a => a.SelectMany(ReferencesIn),
        _ => [],
    };
}
