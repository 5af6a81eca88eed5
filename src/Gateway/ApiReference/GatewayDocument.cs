using System.Text.Json.Nodes;
using Shop.ServiceDefaults.OpenApi;

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

    /// <summary>
    /// The whole public API in one document: the gateway's own operations and every service's, their
    /// tags in the reference's order, and their schemas; a schema two services name alike but define
    /// differently keeps its name in the first and is prefixed with the service's name in the others.
    /// </summary>
    public static JsonObject Combine(IReadOnlyList<JsonObject> documents)
    {
        var (paths, schemas, tags) = (new JsonObject(), new JsonObject(), new HashSet<string>(StringComparer.Ordinal));
        foreach (var original in documents)
        {
            var document = original.DeepClone().AsObject();
            var prefix = ServiceNameOf(document);
            foreach (var clash in SchemasOf(document).Select(s => s.Key).Where(n => schemas[n] is { } kept && !JsonNode.DeepEquals(kept, SchemasOf(document)[n])).ToList())
            {
                RenameSchema(document, clash, prefix + clash);
            }

            foreach (var (name, schema) in SchemasOf(document))
            {
                schemas[name] ??= schema!.DeepClone();
            }

            foreach (var (path, item) in document["paths"]?.AsObject() ?? [])
            {
                paths[path] = item!.DeepClone();
            }

            tags.UnionWith(document["tags"]?.AsArray().Select(t => t!["name"]!.GetValue<string>()) ?? []);
        }

        return new JsonObject
        {
            ["openapi"] = documents[0]["openapi"]!.DeepClone(),
            ["info"] = new JsonObject
            {
                ["title"] = "Shop API",
                ["version"] = "1",
                ["description"] = "Shop's whole public API as clients call it through the gateway, every service's operations in one document. " +
                    "Errors are RFC 9457 problem details. Send an access token from POST /api/auth/token as `Authorization: Bearer <token>`.",
            },
            ["paths"] = paths,
            ["components"] = new JsonObject
            {
                ["schemas"] = schemas,
                ["securitySchemes"] = documents[0]["components"]?["securitySchemes"]?.DeepClone(),
            },
            ["tags"] = new JsonArray([.. ApiTags.All.Where(t => tags.Contains(t.Name))
                .Select(t => (JsonNode)new JsonObject { ["name"] = t.Name, ["description"] = t.Description })]),
        };
    }

    private static JsonObject SchemasOf(JsonObject document) => document["components"]?["schemas"] as JsonObject ?? [];

    /// <summary>"Ordering" from the title "Shop Ordering API".</summary>
    private static string ServiceNameOf(JsonObject document) =>
        (document["info"]?["title"]?.GetValue<string>() ?? "").Replace("Shop ", "", StringComparison.Ordinal).Replace(" API", "", StringComparison.Ordinal);

    private static void RenameSchema(JsonObject document, string from, string to)
    {
        var schemas = SchemasOf(document);
        var schema = schemas[from];
        schemas.Remove(from);
        schemas[to] = schema;
        var pending = new Stack<JsonNode?>([document]);
        while (pending.TryPop(out var node))
        {
            switch (node)
            {
                case JsonObject o when o["$ref"]?.GetValue<string>() == SchemaPrefix + from:
                    o["$ref"] = SchemaPrefix + to;
                    break;
                case JsonObject o:
                    o.Select(p => p.Value).ToList().ForEach(pending.Push);
                    break;
                case JsonArray a:
                    a.ToList().ForEach(pending.Push);
                    break;
            }
        }
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
