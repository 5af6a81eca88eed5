using Wolverine.Attributes;

namespace Shop.Contracts.Inventory;

public sealed record StockLine(Guid ProductId, int Quantity);

/// <summary>Hold stock for every line of an order, or for none of them.</summary>
[MessageIdentity("inventory.reserve_stock", Version = 1)]
public sealed record ReserveStock(Guid OrderId, IReadOnlyList<StockLine> Lines);

/// <summary>A line as reserved, priced from the catalog at the moment of reservation.</summary>
public sealed record ReservedLine(Guid ProductId, string Name, int Quantity, decimal UnitPrice, string Currency);

/// <summary>Every line of the order is held.</summary>
[MessageIdentity("inventory.stock_reserved", Version = 1)]
public sealed record StockReservedForOrder(Guid OrderId, IReadOnlyList<ReservedLine> Lines);

/// <summary>Nothing is held: <paramref name="ProductId"/> (when one product is the cause) could not be reserved.</summary>
[MessageIdentity("inventory.stock_reservation_rejected", Version = 1)]
public sealed record StockReservationRejected(Guid OrderId, Guid? ProductId, string Reason);

/// <summary>Give back what the order holds; an order that holds nothing can never reserve afterwards.</summary>
[MessageIdentity("inventory.release_stock", Version = 1)]
public sealed record ReleaseStock(Guid OrderId);

[MessageIdentity("inventory.stock_released", Version = 1)]
public sealed record StockReleasedForOrder(Guid OrderId);

/// <summary>The order ships: what it holds leaves the warehouse.</summary>
[MessageIdentity("inventory.commit_stock", Version = 1)]
public sealed record CommitStock(Guid OrderId);

[MessageIdentity("inventory.stock_committed", Version = 1)]
public sealed record StockCommittedForOrder(Guid OrderId);

[MessageIdentity("inventory.stock_commit_rejected", Version = 1)]
public sealed record StockCommitRejected(Guid OrderId, string Reason);
