using JasperFx.Events;
using Marten.Events.Aggregation;
using Shop.ServiceDefaults.ReadModels;

namespace Shop.Inventory.Products;

/// <summary>A product's stock as the warehouse counts it: received = on hand + sold, on hand = available + reserved.</summary>
public sealed class StockLevel : IVersioned
{
    public Guid Id { get; set; }

    public string Sku { get; set; } = "";

    public int Received { get; set; }

    public int Reserved { get; set; }

    public int Sold { get; set; }

    public int Available => Received - Sold - Reserved;

    public long Version { get; set; }
}

/// <summary>The stock-levels read model, kept by the async daemon.</summary>
public sealed class StockLevelProjection : SingleStreamProjection<StockLevel, Guid>
{
    public static StockLevel Create(IEvent<ProductAdded> e) => new() { Id = e.Data.ProductId, Sku = e.Data.Sku, Version = e.Version };

    public static void Apply(IEvent<StockReceived> e, StockLevel level) => At(level, e).Received += e.Data.Quantity;

    public static void Apply(IEvent<StockReserved> e, StockLevel level) => At(level, e).Reserved += e.Data.Quantity;

    public static void Apply(IEvent<StockReleased> e, StockLevel level) => At(level, e).Reserved -= e.Data.Quantity;

    public static void Apply(IEvent<StockCommitted> e, StockLevel level)
    {
        At(level, e).Reserved -= e.Data.Quantity;
        level.Sold += e.Data.Quantity;
    }

    public static void Apply(IEvent<ProductRenamed> e, StockLevel level) => At(level, e);

    public static void Apply(IEvent<ProductRepriced> e, StockLevel level) => At(level, e);

    public static void Apply(IEvent<ProductDiscontinued> e, StockLevel level) => At(level, e);

    private static StockLevel At(StockLevel level, IEvent e)
    {
        level.Version = e.Version;
        return level;
    }
}
