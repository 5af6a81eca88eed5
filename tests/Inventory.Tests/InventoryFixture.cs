using System.Globalization;
using Marten;
using Shop.Contracts.Inventory;
using Shop.Inventory.Products;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.Testing;
using Wolverine;

[assembly: AssemblyFixture(typeof(Shop.Inventory.Tests.InventoryFixture))]

namespace Shop.Inventory.Tests;

/// <summary>One Inventory host for the run, on its own schema, real PostgreSQL; tokens come from a test key.</summary>
public sealed class InventoryFixture : IAsyncLifetime
{
    public const string Schema = "inventory_tests";

    public TestTokens Tokens { get; } = new();

    /// <summary>The statements Marten sent that read reservations and stream versions.</summary>
    public StatementRecorder Statements { get; } = new();

    public IAlbaHost Host { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Host = await TestHosts.StartAsync<Program>(Schema, Tokens, adjust: host =>
            host.ConfigureServices(services => services.ConfigureMarten(opts => opts.Logger(Statements))));
        await Host.ResetAllMartenDataAsync();
        AdminToken = Tokens.Admin();
    }

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();

    /// <summary>Adds a product with a unique SKU and, when asked, some stock; returns its id.</summary>
    public async Task<Guid> ProductAsync(int stock = 0, decimal price = 10m, string currency = "EUR", string name = "Test product")
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { sku = $"SKU-{Guid.NewGuid():N}", name, price, currency }).ToUrl("/products");
            s.WithRequestHeader("Authorization", $"Bearer {AdminToken}");
            s.StatusCodeShouldBe(201);
        });
        var id = (await result.ReadAsJsonAsync<WriteAccepted>())!.Id;
        if (stock > 0)
        {
            await Host.Scenario(s =>
            {
                s.Post.Json(new { quantity = stock }).ToUrl($"/products/{id}/stock");
                s.WithRequestHeader("Authorization", $"Bearer {AdminToken}");
                s.StatusCodeShouldBeOk();
            });
        }

        return id;
    }

    public async Task<CatalogItem> CatalogItemAsync(Guid id, long minVersion = 1)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url($"/products/{id}");
            s.WithRequestHeader(Versions.MinVersionHeader, minVersion.ToString(CultureInfo.InvariantCulture));
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<CatalogItem>())!;
    }

    /// <summary>
    /// Handles a saga command as the inventory queue would and returns its reply. (Tracked sessions
    /// watch a whole host, so tests that run side by side use the reply instead.)
    /// </summary>
    public Task<T> HandleAsync<T>(object command) =>
        Host.MessageBus().InvokeAsync<T>(command, TestContext.Current.CancellationToken, TimeSpan.FromSeconds(60));

    public static ReserveStock Reserve(Guid orderId, params (Guid Product, int Quantity)[] lines) =>
        new(orderId, [.. lines.Select(l => new StockLine(l.Product, l.Quantity))]);
}
