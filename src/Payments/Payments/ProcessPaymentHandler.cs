using Marten;
using Shop.Contracts.Payments;
using Shop.Payments.Processing;
using Wolverine;

namespace Shop.Payments.Payments;

/// <summary>
/// Takes an order's payment. A payment already settled is answered again from its stream; one only
/// requested (a crash struck between the charge and the append) is charged again under the same
/// key, which the processor answers without charging twice.
/// </summary>
public static class ProcessPaymentHandler
{
    public static async Task<OutgoingMessages> Handle(ProcessPayment command, IDocumentSession session, ICardProcessor processor, CancellationToken ct)
    {
        var id = PaymentIds.ForOrder(command.OrderId);
        var stream = await session.Events.FetchForWriting<Payment>(id, ct);
        if (stream.Aggregate is { IsSettled: true } settled)
        {
            return [Reply(settled)];
        }

        var requested = new PaymentRequested(id, command.OrderId, command.CustomerId, command.Amount, command.Currency, command.PaymentMethod);
        var payment = stream.Aggregate ?? Payment.Create(requested);
        if (stream.Aggregate is null)
        {
            stream.AppendOne(requested);
        }

        var result = PaymentRules.AmountProblem(payment.Amount) is null
            ? await processor.ChargeAsync(new ChargeRequest(id, payment.Amount, payment.Currency, payment.PaymentMethod), ct)
            : ChargeResult.Decline("invalid_amount");
        var decision = PaymentRules.Settle(payment, result);
        stream.AppendMany(decision.Events);
        return [Reply(payment.After(decision.Events))];
    }

    private static object Reply(Payment payment) => payment.Status == PaymentStatus.Declined
        ? new PaymentFailed(payment.OrderId, payment.Id, payment.DeclineReason!)
        : new PaymentSucceeded(payment.OrderId, payment.Id, payment.Captured, payment.Currency);
}
