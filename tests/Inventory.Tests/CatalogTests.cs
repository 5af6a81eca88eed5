using System.Text.Json;
using Marten.Events;
using Shop.Inventory.Products;
using Shop.ServiceDefaults.ReadModels;
using Shop.Testing;

namespace Shop.Inventory.Tests;

public class CatalogTests(InventoryFixture fixture)
{
    [Fact]
    public async Task receiving_stock_reads_the_product_inside_the_transaction_that_appends_to_it()
    {
        var id = await fixture.ProductAsync(stock: 3);

        var reads = fixture.Statements.Statements.Where(s => s.Values.Contains(id) && s.Sql.Contains("mt_streams") && s.IsRead).ToList();

        reads.ShouldNotBeEmpty();
        reads.ShouldAllBe(s => s.InTransaction);
    }

    [Fact]
    public async Task anyone_reads_a_product_with_its_price_and_available_quantity()
    {
        var id = await fixture.ProductAsync(stock: 7, price: 12.5m);

        var item = await fixture.CatalogItemAsync(id, minVersion: 2);

        item.Price.ShouldBe(12.5m);
        item.Currency.ShouldBe("EUR");
        item.Available.ShouldBe(7);
    }

    [Fact]
    public async Task the_catalog_pages_and_filters_by_name()
    {
        var marker = Guid.NewGuid().ToString("N")[..8];
        foreach (var i in Enumerable.Range(1, 3))
        {
            await fixture.ProductAsync(name: $"Lamp {marker} {i}");
        }

        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products?name={marker.ToUpperInvariant()}&page=2&pageSize=2");
            s.StatusCodeShouldBeOk();
        });

        var page = (await result.ReadAsJsonAsync<Page<CatalogItem>>())!;
        page.Total.ShouldBe(3);
        page.Items.ShouldHaveSingleItem().Name.ShouldBe($"Lamp {marker} 3");
    }

    [Theory]
    [InlineData("pageSize=1000")]
    [InlineData("pageSize=0")]
    [InlineData("page=0")]
    public async Task a_page_outside_the_limits_is_a_400(string query)
    {
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products?{query}");
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task an_unknown_product_is_a_404()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/products/{Guid.NewGuid()}");
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task a_sku_already_taken_in_any_case_is_a_409()
    {
        var sku = $"dup-{Guid.NewGuid():N}";
        await AddAsync(new { sku, name = "One", price = 1m, currency = "EUR" }, 201);

        await AddAsync(new { sku = sku.ToUpperInvariant(), name = "Two", price = 1m, currency = "EUR" }, 409);
    }

    [Fact]
    public async Task bad_product_fields_are_a_400_naming_each_field()
    {
        var result = await AddAsync(new { sku = "has space", name = "", price = 1.001m, currency = "euro" }, 400);

        var errors = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement.GetProperty("errors");
        foreach (var field in new[] { "sku", "name", "price", "currency" })
        {
            errors.TryGetProperty(field, out _).ShouldBeTrue(field);
        }
    }

    [Fact]
    public async Task only_admins_change_the_catalog()
    {
        var id = await fixture.ProductAsync();
        var writes = new (HttpMethod Method, string Url, object Body)[]
        {
            (HttpMethod.Post, "/products", new { sku = "X-1", name = "X", price = 1m, currency = "EUR" }),
            (HttpMethod.Put, $"/products/{id}/price", new { price = 2m }),
            (HttpMethod.Put, $"/products/{id}/name", new { name = "Y" }),
            (HttpMethod.Post, $"/products/{id}/discontinue", new { }),
            (HttpMethod.Post, $"/products/{id}/stock", new { quantity = 1 }),
        };

        foreach (var (method, url, body) in writes)
        {
            await SendAsync(method, url, body, fixture.Tokens.Customer(Guid.NewGuid()), 403);
            await SendAsync(method, url, body, fixture.Tokens.Auditor(), 403);
            await SendAsync(method, url, body, token: null, 401);
        }
    }

    [Fact]
    public async Task an_admin_reprices_renames_and_discontinues_and_the_catalog_follows()
    {
        var id = await fixture.ProductAsync(price: 5m);

        await SendAsync(HttpMethod.Put, $"/products/{id}/price", new { price = 6.25m }, fixture.AdminToken, 200);
        await SendAsync(HttpMethod.Put, $"/products/{id}/name", new { name = "  Renamed lamp " }, fixture.AdminToken, 200);
        await SendAsync(HttpMethod.Post, $"/products/{id}/discontinue", new { }, fixture.AdminToken, 200);

        var item = await fixture.CatalogItemAsync(id, minVersion: 4);
        item.Price.ShouldBe(6.25m);
        item.Name.ShouldBe("Renamed lamp");
        item.Discontinued.ShouldBeTrue();
    }

    [Fact]
    public async Task a_stale_if_match_is_a_412_and_changes_nothing()
    {
        var id = await fixture.ProductAsync(price: 5m);
        await SendAsync(HttpMethod.Put, $"/products/{id}/price", new { price = 6m }, fixture.AdminToken, 200);

        var result = await fixture.Host.Scenario(s =>
        {
            s.Put.Json(new { price = 7m }).ToUrl($"/products/{id}/price");
            s.Bearer(fixture.AdminToken);
            s.WithRequestHeader("If-Match", "\"1\"");
            s.StatusCodeShouldBe(412);
        });

        (await fixture.CatalogItemAsync(id, minVersion: 2)).Price.ShouldBe(6m);
        result.Context.Response.StatusCode.ShouldBe(412);
    }

    [Fact]
    public async Task receiving_no_units_is_a_400()
    {
        var id = await fixture.ProductAsync();

        await SendAsync(HttpMethod.Post, $"/products/{id}/stock", new { quantity = 0 }, fixture.AdminToken, 400);
    }

    [Fact]
    public async Task writes_to_an_unknown_product_are_a_404()
    {
        await SendAsync(HttpMethod.Post, $"/products/{Guid.NewGuid()}/stock", new { quantity = 1 }, fixture.AdminToken, 404);
    }

    private Task<IScenarioResult> AddAsync(object body, int expected) => SendAsync(HttpMethod.Post, "/products", body, fixture.AdminToken, expected);

    private Task<IScenarioResult> SendAsync(HttpMethod method, string url, object body, string? token, int expected) => fixture.Host.Scenario(s =>
    {
        if (method == HttpMethod.Put)
        {
            s.Put.Json(body).ToUrl(url);
        }
        else
        {
            s.Post.Json(body).ToUrl(url);
        }

        if (token is not null)
        {
            s.Bearer(token);
        }

        s.StatusCodeShouldBe(expected);
    });
}
