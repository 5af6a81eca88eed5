using JasperFx.Events;
using Marten.Events.Aggregation;
using Shop.ServiceDefaults.ReadModels;

namespace Shop.Inventory.Products;

/// <summary>A product as shoppers see it: what it is, what it costs, how many can be ordered.</summary>
public sealed class CatalogItem : IVersioned
{
    public Guid Id { get; set; }

    public string Sku { get; set; } = "";

    public string Name { get; set; } = "";

    public decimal Price { get; set; }

    public string Currency { get; set; } = "";

    public int Available { get; set; }

    public bool Discontinued { get; set; }

    public long Version { get; set; }
}

/// <summary>The catalog read model, kept by the async daemon.</summary>
public sealed class CatalogItemProjection : SingleStreamProjection<CatalogItem, Guid>
{
    public static CatalogItem Create(IEvent<ProductAdded> e) => new()
    {
        Id = e.Data.ProductId,
        Sku = e.Data.Sku,
        Name = e.Data.Name,
        Price = e.Data.Price,
        Currency = e.Data.Currency,
        Version = e.Version,
    };

    public static void Apply(IEvent<ProductRenamed> e, CatalogItem item) => At(item, e).Name = e.Data.Name;

    public static void Apply(IEvent<ProductRepriced> e, CatalogItem item) => At(item, e).Price = e.Data.Price;

    public static void Apply(IEvent<ProductDiscontinued> e, CatalogItem item) => At(item, e).Discontinued = true;

    public static void Apply(IEvent<StockReceived> e, CatalogItem item) => At(item, e).Available += e.Data.Quantity;

    public static void Apply(IEvent<StockReserved> e, CatalogItem item) => At(item, e).Available -= e.Data.Quantity;

    public static void Apply(IEvent<StockReleased> e, CatalogItem item) => At(item, e).Available += e.Data.Quantity;

    public static void Apply(IEvent<StockCommitted> e, CatalogItem item) => At(item, e);

    private static CatalogItem At(CatalogItem item, IEvent e)
    {
        item.Version = e.Version;
        return item;
    }
}
