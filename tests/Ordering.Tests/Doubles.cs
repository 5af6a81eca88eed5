using System.Collections.Concurrent;
using Shop.Testing;

namespace Shop.Ordering.Tests;

/// <summary>Inventory's catalog reads, served over real HTTP, with per-product faults.</summary>
public sealed class InventoryDouble : IAsyncDisposable
{
    private readonly ConcurrentDictionary<Guid, object> _products = new();
    private StubHttpService _server = null!;

    public Faults Faults { get; } = new();

    public Uri Address => _server.Address;

    public static async Task<InventoryDouble> StartAsync()
    {
        var double_ = new InventoryDouble();
        double_._server = await StubHttpService.StartAsync(app => app.MapGet("/products/{id:guid}", async (Guid id, HttpContext http) =>
        {
            if (await double_.Faults.PlayAsync(id, http))
            {
                return Results.Empty;
            }

            return double_._products.TryGetValue(id, out var product) ? Results.Ok(product) : Results.NotFound();
        }));
        return double_;
    }

    /// <summary>A product the catalog knows, as Inventory would describe it.</summary>
    public Guid Product(decimal price = 10m, string currency = "EUR", bool discontinued = false, string name = "Catalog product")
    {
        var id = Guid.NewGuid();
        _products[id] = new { id, sku = $"SKU-{id:N}", name, price, currency, available = 100, discontinued, version = 1 };
        return id;
    }

    /// <summary>Makes the catalog answer something that is not a description of the product asked for.</summary>
    public Guid Garbled()
    {
        var id = Guid.NewGuid();
        _products[id] = new { id = Guid.NewGuid(), name = "", price = -1m, currency = "EURO" };
        return id;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

