using Shop.Contracts.Inventory;

namespace Shop.Inventory.Reservations;

public enum ReservationStatus
{
    Reserved,
    Rejected,
    Released,
    Committed,
}

/// <summary>
/// What Inventory decided for an order, keyed by the order id. It makes the saga's commands
/// idempotent: a redelivered command finds its decision here and gets the same answer with no second
/// effect, and a release that arrives before its reservation blocks that reservation for good.
/// </summary>
public sealed record OrderReservation(Guid Id, ReservationStatus Status, IReadOnlyList<ReservedLine> Lines, Guid? ProductId = null, string? Reason = null)
{
    public object Reply() => Status switch
    {
        ReservationStatus.Reserved or ReservationStatus.Committed => new StockReservedForOrder(Id, Lines),
        _ => new StockReservationRejected(Id, ProductId, Reason ?? "The order's stock was already released."),
    };
}
