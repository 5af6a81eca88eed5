using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.OpenApi;

/// <summary>
/// Describes what every Shop endpoint shares, from the endpoint's own metadata, so no endpoint repeats it:
/// the token and roles it needs, the problem answers it can give, and the concurrency and idempotency headers.
/// </summary>
internal sealed class ShopOperationTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var endpoint = EndpointShape.Of(context.Description);
        operation.Tags = new HashSet<OpenApiTagReference> { new(endpoint.Tag, context.Document) };
        operation.Description = endpoint.AccessDescription;
        operation.Deprecated = endpoint.Deprecated;
        if (!endpoint.Anonymous)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(OpenApiDefaults.BearerScheme, context.Document)] = [] }];
        }

        DescribeHeaders(operation, endpoint);
        await DescribeFormAsync(operation, context, cancellationToken);
        AddExample(operation, context);
        await DescribeResponsesAsync(operation, endpoint, context, cancellationToken);
    }

    private static void DescribeHeaders(OpenApiOperation operation, EndpointShape endpoint)
    {
        operation.Parameters ??= [];
        if (endpoint.WritesExisting)
        {
            operation.Parameters.Add(Header("If-Match", "The ETag of the version this change is based on. A stale one gets 412 and changes nothing; without it the change applies to the current version."));
        }

        if (endpoint.Idempotent)
        {
            operation.Parameters.Add(Header(Idempotency.Header, "A client-chosen key (1 to 200 visible ASCII characters). Repeating the request with the same key returns the first answer instead of a second effect; reusing it for a different request gets 422."));
        }

        if (endpoint.ReadsOne)
        {
            operation.Parameters.Add(Header(Versions.MinVersionHeader, "An ETag from an earlier write of this resource, as it was answered (\"3\") or its number (3): the answer waits (up to 5 s) until the read model reflects at least that version. Anything else is a 400."));
            operation.Parameters.Add(Header("If-None-Match", "The ETag of the version the client has: while it is still the current one the answer is a 304 without a body."));
            operation.Parameters.Add(Header(ChangeWaits.PreferHeader, "wait=N with If-None-Match: the answer waits up to N seconds (at most 8) for a newer version before it is a 304, instead of the client asking again. Preference-Applied says how long it waited at most."));
        }

        if (endpoint.ReadsOwnWrites)
        {
            operation.Parameters.Add(Header(ConsistencyTokens.Header, "The X-Consistency-Token an earlier write of this service answered with: the answer (a list too) waits (up to 5 s) until it reflects that write. A token of another service is a 400."));
        }
    }

    private static OpenApiParameter Header(string name, string description) => new()
    {
        Name = name,
        In = ParameterLocation.Header,
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.String },
    };

    /// <summary>An endpoint that reads its form itself (OAuth 2.0) gets the form described from its metadata.</summary>
    private static async Task DescribeFormAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (EndpointShape.FormBody(context.Description.ActionDescriptor.EndpointMetadata) is not { } form)
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/x-www-form-urlencoded"] = new() { Schema = await context.GetOrCreateSchemaAsync(form, null, ct) },
            },
        };
    }

    private static void AddExample(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        var bodyType = context.Description.ParameterDescriptions.FirstOrDefault(p => p.Source == BindingSource.Body)?.Type
            ?? EndpointShape.FormBody(context.Description.ActionDescriptor.EndpointMetadata);
        if (bodyType is null || operation.RequestBody?.Content is not { } content || ExampleOf(bodyType) is not { } example)
        {
            return;
        }

        var json = context.ApplicationServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        foreach (var media in content.Values)
        {
            media.Example = JsonSerializer.SerializeToNode(example, bodyType, json);
        }
    }

    private static object? ExampleOf(Type type)
    {
        var contract = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IHasExample<>));
        if (contract is null)
        {
            return null;
        }

        var getter = type.GetInterfaceMap(contract).TargetMethods.Single(m => m.Name.EndsWith("get_Example", StringComparison.Ordinal));
        return getter.Invoke(null, null);
    }

    private static async Task DescribeResponsesAsync(
        OpenApiOperation operation, EndpointShape endpoint, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        operation.Responses ??= [];
        foreach (var generic in operation.Responses.Where(r => IsGeneric(r.Key, r.Value)).Select(r => r.Key).ToList())
        {
            operation.Responses.Remove(generic);
        }

        foreach (var (status, response) in operation.Responses.Where(r => r.Key.StartsWith('2')))
        {
            if (endpoint.CarriesVersion && response is OpenApiResponse success)
            {
                success.Headers ??= new Dictionary<string, IOpenApiHeader>();
                success.Headers["ETag"] = new OpenApiHeader { Description = "The resource's stream version, for If-Match and X-Min-Version.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }

            if (endpoint.Writes && response is OpenApiResponse written)
            {
                written.Headers ??= new Dictionary<string, IOpenApiHeader>();
                written.Headers[ConsistencyTokens.Header] = new OpenApiHeader { Description = "Where this write committed in the service's event log: send it to any read of the service to read what it changed.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }
        }

        var problem = await ReferenceAsync<ProblemDetails>(context, ct);
        var validation = await ReferenceAsync<HttpValidationProblemDetails>(context, ct);
        var oauth = endpoint.OAuthErrors ? await ReferenceAsync<OAuthError>(context, ct) : null;
        foreach (var (status, description) in endpoint.Problems())
        {
            var (mediaType, schema) = (status, oauth) switch
            {
                (StatusCodes.Status400BadRequest, { } error) => ("application/json", error),
                (StatusCodes.Status400BadRequest, _) => ("application/problem+json", validation),
                _ => ("application/problem+json", problem),
            };
            operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, OpenApiMediaType> { [mediaType] = new() { Schema = schema } },
            };
        }

        if (endpoint.ReadsOne)
        {
            operation.Responses["304"] = new OpenApiResponse
            {
                Description = "The version named in If-None-Match is still the current one (after the wait asked for with Prefer).",
                Headers = new Dictionary<string, IOpenApiHeader> { ["ETag"] = new OpenApiHeader { Description = "The current version.", Schema = new OpenApiSchema { Type = JsonSchemaType.String } } },
            };
        }

        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (status, response) in ordered)
        {
            operation.Responses[status] = response;
        }
    }

    // Wolverine describes every endpoint with an untyped 200 and bare error answers; the endpoint's own
    // attributes and the problems above replace them.
    private static bool IsGeneric(string status, IOpenApiResponse response) =>
        !status.StartsWith('2') || response.Content?.Values.Any(m => m.Schema is OpenApiSchemaReference { Reference.Id: "IResult" }) == true;

    private static async Task<OpenApiSchemaReference> ReferenceAsync<T>(OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var name = typeof(T).Name;
        if (context.Document?.Components?.Schemas?.ContainsKey(name) != true)
        {
            context.Document!.AddComponent(name, await context.GetOrCreateSchemaAsync(typeof(T), null, ct));
        }

        return new OpenApiSchemaReference(name, context.Document);
    }
}
