using Marten;
using Shop.Contracts.Inventory;
using Shop.Contracts.Payments;
using Shop.Ordering.Orders;
using Wolverine;

namespace Shop.Ordering.Fulfilment;

/// <summary>Replies that arrive after their saga has finished: nothing may be left charged or held for a cancelled order.</summary>
public static class LateReplies
{
    public static async Task<OutgoingMessages> PaymentAsync(PaymentSucceeded reply, IQuerySession session, ILogger log, CancellationToken ct)
    {
        var order = await session.Events.AggregateStreamAsync<Order>(reply.OrderId, token: ct);
        if (order?.Status != OrderStatus.Cancelled)
        {
            return [];
        }

        log.LogWarning("Payment {PaymentId} captured after order {OrderId} was cancelled; refunding", reply.PaymentId, reply.OrderId);
        return [new RefundPayment(reply.OrderId, "payment arrived after the order was cancelled")];
    }

    public static async Task<OutgoingMessages> ReservationAsync(StockReservedForOrder reply, IQuerySession session, ILogger log, CancellationToken ct)
    {
        var order = await session.Events.AggregateStreamAsync<Order>(reply.OrderId, token: ct);
        if (order?.Status != OrderStatus.Cancelled)
        {
            return [];
        }

        log.LogWarning("Stock reserved after order {OrderId} was cancelled; releasing", reply.OrderId);
        return [new ReleaseStock(reply.OrderId)];
    }
}
