using System.Collections.Immutable;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Inventory.Products;

[EventName("product_added")]
public sealed record ProductAdded(Guid ProductId, string Sku, string Name, decimal Price, string Currency);

[EventName("product_renamed")]
public sealed record ProductRenamed(Guid ProductId, string Name);

[EventName("product_repriced")]
public sealed record ProductRepriced(Guid ProductId, decimal Price);

[EventName("product_discontinued")]
public sealed record ProductDiscontinued(Guid ProductId);

[EventName("stock_received")]
public sealed record StockReceived(Guid ProductId, int Quantity);

[EventName("stock_reserved")]
public sealed record StockReserved(Guid ProductId, Guid OrderId, int Quantity);

[EventName("stock_released")]
public sealed record StockReleased(Guid ProductId, Guid OrderId, int Quantity);

[EventName("stock_committed")]
public sealed record StockCommitted(Guid ProductId, Guid OrderId, int Quantity);

/// <summary>
/// A product and its stock, in one stream: "never sell a unit twice" and "never reserve a discontinued
/// product" are then each checked against a single stream version, with optimistic concurrency.
/// </summary>
public sealed record Product(
    Guid Id,
    string Sku,
    string Name,
    decimal Price,
    string Currency,
    bool Discontinued,
    int OnHand,
    ImmutableDictionary<Guid, int> Reservations)
{
    /// <summary>Units that can still be reserved.</summary>
    public int Available => OnHand - Reservations.Values.Sum();

    public static Product Create(ProductAdded e) =>
        new(e.ProductId, e.Sku, e.Name, e.Price, e.Currency, false, 0, ImmutableDictionary<Guid, int>.Empty);

    public Product Apply(ProductRenamed e) => this with { Name = e.Name };

    public Product Apply(ProductRepriced e) => this with { Price = e.Price };

    public Product Apply(ProductDiscontinued _) => this with { Discontinued = true };

    public Product Apply(StockReceived e) => this with { OnHand = OnHand + e.Quantity };

    public Product Apply(StockReserved e) => this with { Reservations = Reservations.SetItem(e.OrderId, e.Quantity) };

    public Product Apply(StockReleased e) => this with { Reservations = Reservations.Remove(e.OrderId) };

    public Product Apply(StockCommitted e) => this with { OnHand = OnHand - e.Quantity, Reservations = Reservations.Remove(e.OrderId) };
}
