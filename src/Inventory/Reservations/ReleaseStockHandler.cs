using Marten;
using Shop.Contracts.Inventory;
using Shop.Inventory.Products;
using Wolverine;

namespace Shop.Inventory.Reservations;

/// <summary>
/// Gives back what an order holds. Releasing twice, or releasing an order that holds nothing, answers
/// the same; a release that comes first is remembered so the late reservation is refused.
/// </summary>
public static class ReleaseStockHandler
{
    public static async Task<OutgoingMessages> Handle(ReleaseStock command, IDocumentSession session, ILogger<ReleaseStock> log, CancellationToken ct)
    {
        var reservation = await session.LoadAsync<OrderReservation>(command.OrderId, ct);
        switch (reservation?.Status)
        {
            case null:
                session.Insert(new OrderReservation(command.OrderId, ReservationStatus.Released, [], Reason: "Released before it was reserved."));
                break;
            case ReservationStatus.Committed:
                log.LogWarning("Order {OrderId} has shipped; its stock cannot be released", command.OrderId);
                return [];
            case ReservationStatus.Reserved:
                foreach (var line in reservation.Lines)
                {
                    var stream = await session.Events.FetchForWriting<Product>(line.ProductId, ct);
                    stream.AppendMany(StockRules.Release(stream.Aggregate!, command.OrderId).Events);
                }

                session.Store(reservation with { Status = ReservationStatus.Released });
                break;
        }

        return [new StockReleasedForOrder(command.OrderId)];
    }
}
