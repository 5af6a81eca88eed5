using System.Text.Json.Nodes;
using Shop.Gateway.ApiReference;
using Yarp.ReverseProxy.Configuration;

namespace Shop.Gateway.Tests;

public class ApiReferenceTests(GatewayFixture fixture)
{
    private GatewayRoutes Routes => new(fixture.Host.Services.GetRequiredService<IProxyConfigProvider>().GetConfig().Routes);

    [Theory]
    [InlineData("identity", "POST", "/users", "/api/users")]
    [InlineData("identity", "GET", "/users/{id}/history", "/api/users/{id}/history")]
    [InlineData("identity", "POST", "/auth/token", "/api/auth/token")]
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
        links.ShouldBe(["gateway", "identity", "ordering", "inventory", "payments", "notifications"], ignoreOrder: true);

        await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/docs/");
            s.StatusCodeShouldBeOk();
            s.ContentTypeShouldBe("text/html");
            s.Header("Content-Security-Policy").SingleValueShouldMatch(new System.Text.RegularExpressions.Regex("script-src 'self'"));
        });
    }
}
