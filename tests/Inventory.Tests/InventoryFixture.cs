using System.Globalization;
using Marten;
using Shop.Contracts.Inventory;
using Shop.Inventory.Products;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.Testing;
using Wolverine;
using Wolverine.Tracking;

[assembly: AssemblyFixture(typeof(Shop.Inventory.Tests.InventoryFixture))]

namespace Shop.Inventory.Tests;

/// <summary>One Inventory host for the run, on its own schema, real PostgreSQL; tokens come from a test key.</summary>
public sealed class InventoryFixture : IAsyncLifetime
{
    public const string Schema = "inventory_tests";

    public TestTokens Tokens { get; } = new();

    public IAlbaHost Host { get; private set; } = null!;

    public string AdminToken { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        Host = await AlbaHost.For<Program>(x =>
        {
            x.UseSetting("Shop:Schema", Schema);
            x.UseSetting("Logging:LogLevel:Default", "Warning");
            x.ConfigureServices(s =>
            {
                Tokens.Install(s);
                s.RunWolverineInSoloMode();
                s.DisableAllExternalWolverineTransports();
            });
        });
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

    /// <summary>Handles a saga command as the inventory queue would, and returns the one reply it sends.</summary>
    public async Task<(T Reply, ITrackedSession Tracked)> HandleAsync<T>(object command)
    {
        var tracked = await Host.TrackActivity().DoNotAssertOnExceptionsDetected().InvokeMessageAndWaitAsync(command);
        return (tracked.Sent.SingleMessage<T>(), tracked);
    }

    public static ReserveStock Reserve(Guid orderId, params (Guid Product, int Quantity)[] lines) =>
        new(orderId, [.. lines.Select(l => new StockLine(l.Product, l.Quantity))]);
}
