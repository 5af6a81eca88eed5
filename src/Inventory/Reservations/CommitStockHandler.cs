using Marten;
using Shop.Contracts.Inventory;
using Shop.Inventory.Products;
using Wolverine;

namespace Shop.Inventory.Reservations;

/// <summary>Ships what an order holds: reserved units leave the stock for good. Committing twice answers the same.</summary>
public static class CommitStockHandler
{
    public static async Task<OutgoingMessages> Handle(CommitStock command, IDocumentSession session, CancellationToken ct)
    {
        var reservation = await session.LoadAsync<OrderReservation>(command.OrderId, ct);
        switch (reservation?.Status)
        {
            case ReservationStatus.Committed:
                return [new StockCommittedForOrder(command.OrderId)];
            case ReservationStatus.Reserved:
                foreach (var line in reservation.Lines)
                {
                    var stream = await session.Events.FetchForWriting<Product>(line.ProductId, ct);
                    stream.AppendMany(StockRules.Commit(stream.Aggregate!, command.OrderId).Events);
                }

                session.Store(reservation with { Status = ReservationStatus.Committed });
                return [new StockCommittedForOrder(command.OrderId)];
            default:
                return [new StockCommitRejected(command.OrderId, $"Order {command.OrderId} holds no stock ({reservation?.Status.ToString() ?? "never reserved"}).")];
        }
    }
}
