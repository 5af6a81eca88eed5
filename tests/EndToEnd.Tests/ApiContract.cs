using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// Checks every answer the gateway gives during the end-to-end run against the API documents the
/// gateway publishes: the status must be one the document declares for that operation, and a JSON
/// body must match the declared schema. A mismatch fails the request that saw it.
/// </summary>
public sealed class ApiContract(Uri gateway) : DelegatingHandler(new HttpClientHandler())
{
    private readonly Lazy<Task<IReadOnlyList<Operation>>> _operations = new(() => LoadAsync(gateway));
    private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();
    private int _checked;

    public int Checked => _checked;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (!path.StartsWith("/api/", StringComparison.Ordinal))
        {
            return response;
        }

        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var operation = (await _operations.Value).FirstOrDefault(o => o.Method == request.Method.Method && o.Path.IsMatch(path));
        if (operation is null)
        {
            // An address nobody documents may only be unknown.
            return status is "404" or "405" ? response : throw new ContractViolation($"{request.Method} {path} answered {status} but is in no published API document.");
        }

        if (operation.Definition["responses"]?[status] is not JsonObject declared)
        {
            throw new ContractViolation($"{request.Method} {path} answered {status}, which {operation.Document} does not declare for {operation.Template}.");
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (body.Length > 0 && mediaType is not null && declared["content"]?[mediaType]?["schema"] is JsonNode schema)
        {
            var result = SchemaFor(operation, status, mediaType, schema).Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!result.IsValid)
            {
                var errors = (result.Details ?? []).Where(d => d.Errors is not null)
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}"));
                throw new ContractViolation($"{request.Method} {path} {status} does not match its schema in {operation.Document}: {string.Join("; ", errors)}\n{body}");
            }
        }

        Interlocked.Increment(ref _checked);
        return response;
    }

    // OpenAPI 3.1 schemas are JSON Schema: the document's components become the schema's $defs.
    private JsonSchema SchemaFor(Operation operation, string status, string mediaType, JsonNode schema) =>
        _schemas.GetOrAdd($"{operation.Document} {operation.Method} {operation.Template} {status} {mediaType}", _ =>
        {
            var wrapper = new JsonObject { ["$defs"] = operation.Components.DeepClone() };
            foreach (var (key, value) in schema.AsObject())
            {
                wrapper[key] = value!.DeepClone();
            }

            var text = wrapper.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
            return JsonSchema.FromText(text, new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"https://shop.test/{Guid.NewGuid():N}"));
        });

    private static async Task<IReadOnlyList<Operation>> LoadAsync(Uri gateway)
    {
        using var http = new HttpClient { BaseAddress = gateway };
        var operations = new List<Operation>();
        foreach (var link in (await http.GetFromJsonAsync<JsonArray>("/openapi"))!)
        {
            var url = link!["url"]!.GetValue<string>();
            var document = (await http.GetFromJsonAsync<JsonObject>(url))!;
            var components = document["components"]?["schemas"]?.AsObject() ?? [];
            foreach (var (template, item) in document["paths"]!.AsObject())
            {
                var pattern = new Regex("^" + Regex.Replace(template, @"\{[^}]+\}", "[^/]+") + "$");
                operations.AddRange(item!.AsObject().Select(o => new Operation(url, o.Key.ToUpperInvariant(), template, pattern, o.Value!.AsObject(), components)));
            }
        }

        // Literal paths win over templated ones (/api/users/me before /api/users/{id}).
        return [.. operations.OrderBy(o => o.Template.Count(c => c == '{'))];
    }

    private sealed record Operation(string Document, string Method, string Template, Regex Path, JsonObject Definition, JsonObject Components);
}

public sealed class ContractViolation(string message) : Exception(message);
