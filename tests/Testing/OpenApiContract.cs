using System.Text.Json.Nodes;
using Alba;
using Microsoft.OpenApi;
using Shouldly;

namespace Shop.Testing;

/// <summary>What every service's published API description must be: valid, complete, and the one committed in openapi/.</summary>
public static class OpenApiContract
{
    private static readonly string[] ProblemStatuses = ["400", "401", "403", "404", "409", "412", "413", "422", "429", "503"];

    /// <summary>The service's served document is complete and is the committed one.</summary>
    public static async Task ShouldBeCompleteAndCommittedAsync(IAlbaHost host, string service)
    {
        var served = await ServedDocumentAsync(host);
        ShouldDescribeEveryOperation(served);
        ShouldMatchCommitted(served, service);
    }

    private static async Task<string> ServedDocumentAsync(IAlbaHost host)
    {
        var result = await host.Scenario(s =>
        {
            s.Get.Url("/openapi/v1.json");
            s.StatusCodeShouldBeOk();
        });
        return await result.ReadAsTextAsync();
    }

    /// <summary>The served document equals the committed one, so every API change shows up in review.</summary>
    private static void ShouldMatchCommitted(string served, string service)
    {
        var path = CommittedDocumentPath(service);
        File.Exists(path).ShouldBeTrue($"openapi/{service}.json is missing. Build the service (dotnet build src/{Title(service)}) outside CI to write it, then commit it.");
        JsonNode.DeepEquals(JsonNode.Parse(served), JsonNode.Parse(File.ReadAllText(path))).ShouldBeTrue(
            $"openapi/{service}.json differs from the document the service serves. Rebuild the service outside CI " +
            $"(dotnet build src/{Title(service)}, or ./shop openapi) to rewrite it, review the change, and commit it.");
    }

    /// <summary>The document reads without errors and says, for every operation, what a client needs to call it.</summary>
    public static void ShouldDescribeEveryOperation(string served)
    {
        var read = OpenApiDocument.Parse(served, "json");
        read.Diagnostic?.Errors.ShouldBeEmpty();
        var document = read.Document.ShouldNotBeNull();
        document.Components!.SecuritySchemes!.ShouldContainKey("Bearer");
        foreach (var problem in new[] { "ProblemDetails", "HttpValidationProblemDetails" }.Where(document.Components!.Schemas!.ContainsKey))
        {
            document.Components.Schemas[problem].Properties!.ShouldContainKey("code", $"{problem} does not document its machine-readable code");
        }

        var tags = document.Tags.ShouldNotBeNull().ToDictionary(t => t.Name!, t => t.Description);
        tags.Values.ShouldAllBe(d => !string.IsNullOrWhiteSpace(d), "every tag says what its operations are about");
        var operationIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations!)
            {
                var name = $"{method} {path}";
                operation.Summary.ShouldNotBeNullOrWhiteSpace($"{name} has no summary");
                operation.Summary.ShouldMatch(@"^[A-Z].*\.$", $"{name}'s summary is not a sentence");
                operation.OperationId.ShouldNotBeNull($"{name} has no operationId").ShouldMatch("^[a-z][A-Za-z]+$", $"{name}'s operationId is not a readable camelCase name");
                operationIds.Add(operation.OperationId).ShouldBeTrue($"{name} repeats the operationId {operation.OperationId}");
                operation.Tags.ShouldNotBeNull().Select(t => t.Name).ShouldHaveSingleItem($"{name} is not under exactly one tag").ShouldBeOneOf([.. tags.Keys]);
                operation.Responses!.Keys.ShouldContain(k => k.StartsWith('2'), $"{name} declares no success answer");
                foreach (var (status, response) in operation.Responses.Where(r => ProblemStatuses.Contains(r.Key)))
                {
                    if (!IsOAuthError(status, response))
                    {
                        response.Content!.ShouldContainKey("application/problem+json", $"{name} {status} is not a problem details answer");
                    }
                }

                if (operation.RequestBody is { } body)
                {
                    body.Content!.Values.ShouldAllBe(m => m.Example != null, $"{name} has no example request body");
                }

                var anonymous = operation.Security is null or { Count: 0 };
                operation.Responses.ContainsKey("401").ShouldBe(!anonymous, $"{name}: 401 must be declared exactly when a token is needed");
            }
        }
    }

    /// <summary>An OAuth 2.0 endpoint answers its 400s as RFC 6749 requires, in its own JSON shape.</summary>
    private static bool IsOAuthError(string status, IOpenApiResponse response) =>
        status == "400" && response.Content!.TryGetValue("application/json", out var json) && json.Schema is OpenApiSchemaReference { Reference.Id: "OAuthError" };

    public static string CommittedDocumentPath(string service) => Path.Combine(Repository.Root, "openapi", $"{service}.json");

    private static string Title(string service) => char.ToUpperInvariant(service[0]) + service[1..];
}
