using Marten;
using Shop.Payments.Processing;
using Wolverine;
using Integration = Shop.Contracts.Payments;

namespace Shop.Payments.Payments;

/// <summary>
/// Gives back everything captured for an order and not yet refunded. Asking again, or for an order
/// that was never charged, refunds nothing and says so (amount 0).
/// </summary>
public static class RefundPaymentHandler
{
    public static async Task<OutgoingMessages> Handle(Integration.RefundPayment command, IDocumentSession session, ICardProcessor processor, CancellationToken ct)
    {
        var id = PaymentIds.ForOrder(command.OrderId);
        var stream = await session.Events.FetchForWriting<Payment>(id, ct);
        if (stream.Aggregate is not { NetCaptured: > 0 } payment)
        {
            return [new Integration.PaymentRefunded(command.OrderId, id, 0)];
        }

        var decision = PaymentRules.Refund(payment, payment.NetCaptured, command.Reason);
        await processor.RefundAsync(new RefundRequest(PaymentIds.RefundOf(id), id, payment.NetCaptured, payment.Currency), ct);
        stream.AppendMany(decision.Events);
        return [new Integration.PaymentRefunded(command.OrderId, id, payment.NetCaptured)];
    }
}
