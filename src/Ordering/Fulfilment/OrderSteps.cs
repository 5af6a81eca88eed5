using Marten;
using Shop.Contracts.Inventory;
using Shop.Contracts.Payments;
using Shop.Ordering.Orders;
using Wolverine;

namespace Shop.Ordering.Fulfilment;

/// <summary>What the saga writes on the order stream, in the saga's own transaction.</summary>
public static class OrderSteps
{
    public const string Timeout = "timeout";

    /// <summary>Appends what <paramref name="record"/> says happened and returns the order as it is after.</summary>
    public static async Task<Order> RecordAsync(IDocumentSession session, Guid orderId, Func<Order, IReadOnlyList<object>> record, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Order>(orderId, ct);
        var events = record(stream.Aggregate!);
        stream.AppendMany(events);
        return stream.Aggregate!.After(events);
    }

    /// <summary>Cancels the order on the shop's own account, and tells other services.</summary>
    public static async Task<OutgoingMessages> CancelAsync(IDocumentSession session, Guid orderId, string reason, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Order>(orderId, ct);
        var decision = CancelOrderEndpoint.Cancel(stream.Aggregate!, reason, by: null);
        stream.AppendMany(decision.Events);
        return [.. IntegrationEvents.For(stream.Aggregate!.After(decision.Events), decision.Events)];
    }

    /// <summary>
    /// Records the capture and confirms the order; when the order was cancelled meanwhile, the money
    /// goes back and the stock is released instead.
    /// </summary>
    public static async Task<OutgoingMessages> ConfirmAsync(IDocumentSession session, Guid orderId, OrderPaymentCaptured captured, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Order>(orderId, ct);
        var order = stream.Aggregate!;
        if (order.Status != OrderStatus.Submitted)
        {
            stream.AppendOne(captured);
            return [new ReleaseStock(orderId), new RefundPayment(orderId, $"order {order.Status.ToString().ToLowerInvariant()}")];
        }

        object[] events = [captured, new OrderConfirmed(orderId, order.CustomerId, captured.PaymentId)];
        stream.AppendMany(events);
        return [.. IntegrationEvents.For(order.After(events), events)];
    }
}
