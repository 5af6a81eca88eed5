using System.Text.Json.Nodes;
using Shop.Gateway.ApiReference;
using Shop.Testing;
using Yarp.ReverseProxy.Configuration;

namespace Shop.Gateway.Tests;

public class ApiReferenceTests(GatewayFixture fixture)
{
    private GatewayRoutes Routes => new(fixture.Host.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes);

    [Theory]
    [InlineData("identity", "POST", "/users", "/api/users")]
    [InlineData("identity", "GET", "/users/{id}/history", "/api/users/{id}/history")]
    [InlineData("identity", "POST", "/auth/token", "/api/auth/token")]
    [InlineData("identity", "POST", "/oauth/token", "/api/oauth/token")]
    [InlineData("identity", "POST", "/oauth/revoke", "/api/oauth/revoke")]
    [InlineData("inventory", "GET", "/products/{id}", "/api/products/{id}")]
    [InlineData("inventory", "PUT", "/products/{id}/price", "/api/products/{id}/price")]
    [InlineData("ordering", "DELETE", "/orders/{id}/items/{productId}", "/api/orders/{id}/items/{productId}")]
    public void a_forwarded_endpoint_is_published_at_its_gateway_address(string cluster, string method, string path, string expected) =>
        Routes.GatewayPathFor(cluster, method, path).ShouldBe(expected);

    [Theory]
    [InlineData("identity", "GET", "/.well-known/jwks.json")]
    [InlineData("inventory", "GET", "/stock")]
    [InlineData("inventory", "GET", "/admin/projections")]
    [InlineData("ordering", "POST", "/admin/projections/{name}/rebuild")]
    [InlineData("payments", "GET", "/orders")]
    public void an_endpoint_the_gateway_does_not_forward_is_not_published(string cluster, string method, string path) =>
        Routes.GatewayPathFor(cluster, method, path).ShouldBeNull();

    [Fact]
    public async Task a_service_document_lists_only_forwarded_paths_and_the_schemas_they_use()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/inventory.json");
            s.StatusCodeShouldBeOk();
        });
        var document = JsonNode.Parse(await result.ReadAsTextAsync())!;

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        paths.ShouldContain("/api/products/{id}");
        paths.ShouldAllBe(p => p.StartsWith("/api/"));
        paths.ShouldNotContain(p => p.Contains("admin") || p == "/api/stock");
        var schemas = document["components"]!["schemas"]!.AsObject().Select(s => s.Key).ToList();
        schemas.ShouldContain("CatalogItem");
        schemas.ShouldNotContain("ProjectionStatus");
    }

    [Fact]
    public async Task a_service_that_does_not_answer_gets_a_503_problem_for_its_document()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/payments.json");
            s.StatusCodeShouldBe(503);
            s.ContentTypeShouldBe("application/problem+json");
        });
    }

    [Fact]
    public async Task the_index_and_the_reference_page_need_no_token()
    {
        var index = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/openapi");
            s.StatusCodeShouldBeOk();
        });
        var links = JsonNode.Parse(await index.ReadAsTextAsync())!.AsArray().Select(l => l!["name"]!.GetValue<string>()).ToList();
        links.ShouldBe(["shop", "gateway", "identity", "ordering", "inventory", "payments", "notifications"], ignoreOrder: true);

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/docs/");
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("text/html");
            s.Header("Content-Security-Policy").SingleValueShouldMatch(new System.Text.RegularExpressions.Regex("script-src 'self'"));
        });
    }

    [Fact]
    public async Task the_combined_document_holds_every_forwarded_operation_of_every_service_once()
    {
        var services = new[] { "identity", "inventory", "ordering", "payments", "notifications" }
            .ToDictionary(s => s, s => JsonNode.Parse(File.ReadAllText(OpenApiContract.CommittedDocumentPath(s)))!.AsObject());
        var own = await fixture.Host.Scenario(s => s.Get.Url("/openapi/v1.json"));
        var combined = GatewayDocument.Combine([JsonNode.Parse(await own.ReadAsTextAsync())!.AsObject(), .. services.Select(s => GatewayDocument.From(s.Value, s.Key, Routes))]);

        OpenApiContract.ShouldDescribeEveryOperation(combined.ToJsonString());
        foreach (var (cluster, document) in services)
        {
            foreach (var (path, item) in document["paths"]!.AsObject())
            {
                foreach (var (method, operation) in item!.AsObject())
                {
                    if (Routes.GatewayPathFor(cluster, method.ToUpperInvariant(), path) is { } published)
                    {
                        combined["paths"]![published]![method]!["operationId"]!.GetValue<string>().ShouldBe(operation!["operationId"]!.GetValue<string>());
                    }
                }
            }
        }

        combined["paths"]!.AsObject().ShouldContainKey("/api/dashboard");
        combined["tags"]!.AsArray().Select(t => t!["name"]!.GetValue<string>()).ShouldBe(["Orders", "Products", "Payments", "Notifications", "Users", "Tokens", "Dashboard", "Audit", "Administration"]);
    }

    [Fact]
    public void a_schema_two_services_define_differently_keeps_its_name_in_the_first_and_gets_the_service_prefix_in_the_other()
    {
        static JsonObject Document(string service, string type) => JsonNode.Parse($$"""
            {
              "openapi": "3.1.1", "info": { "title": "Shop {{service}} API", "version": "1" },
              "paths": { "/api/{{service}}": { "get": { "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Item" } } } } } } } },
              "components": { "schemas": { "Item": { "type": "{{type}}" } } }
            }
            """)!.AsObject();

        var combined = GatewayDocument.Combine([Document("Ordering", "object"), Document("Inventory", "string")]);

        combined["components"]!["schemas"]!.AsObject().Select(s => s.Key).ShouldBe(["Item", "InventoryItem"], ignoreOrder: true);
        combined["components"]!["schemas"]!["InventoryItem"]!["type"]!.GetValue<string>().ShouldBe("string");
        Reference(combined, "/api/Ordering").ShouldBe("#/components/schemas/Item");
        Reference(combined, "/api/Inventory").ShouldBe("#/components/schemas/InventoryItem");

        static string Reference(JsonObject document, string path) =>
            document["paths"]![path]!["get"]!["responses"]!["200"]!["content"]!["application/json"]!["schema"]!["$ref"]!.GetValue<string>();
    }

    [Fact]
    public async Task the_combined_document_is_a_503_problem_naming_the_service_that_does_not_answer()
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/openapi/shop.json");
            s.StatusCodeShouldBe(503);
            s.ContentTypeShouldBe("application/problem+json");
        });
        (await result.ReadAsTextAsync()).ShouldContain("payments");
    }
}
