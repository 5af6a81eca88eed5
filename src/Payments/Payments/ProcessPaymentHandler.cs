using Marten;
using Shop.Contracts.Payments;
using Shop.Payments.Processing;
using Wolverine;
using Wolverine.Attributes;

namespace Shop.Payments.Payments;

/// <summary>
/// Takes an order's payment. The processor is asked before the stream is read, under the payment's
/// own key: a request asked again (a redelivery, or a crash between the charge and the append) gets
/// the processor's first answer without a second charge, and a payment already settled is answered
/// from its stream.
/// </summary>
/// <remarks>
/// The charge comes first because the handler's reads and write share one transaction: a transaction
/// left open through a slow processor would count as one that might still fill a hole in the event
/// sequence, and hold every projection of the service behind it for as long as the card takes.
/// </remarks>
public static class ProcessPaymentHandler
{
    /// <summary>
    /// How long a charge may take, the processor's wait included. Wolverine's default of 60 s would cancel
    /// a slow card's charge before the processor answers (the demo's slow card takes 90 s, past the saga's
    /// payment timeout, so that its late approval is refunded), and retry it, and cancel it again.
    /// </summary>
    public const int TimeoutSeconds = 120;

    [MessageTimeout(TimeoutSeconds)]
    public static async Task<OutgoingMessages> Handle(ProcessPayment command, IDocumentSession session, ICardProcessor processor, CancellationToken ct)
    {
        var requested = new PaymentRequested(PaymentIds.ForOrder(command.OrderId), command.OrderId, command.CustomerId, command.Amount, command.Currency, command.PaymentMethod);
        var result = PaymentRules.AmountProblem(requested.Amount) is null
            ? await processor.ChargeAsync(new ChargeRequest(requested.PaymentId, requested.Amount, requested.Currency, requested.PaymentMethod), ct)
            : ChargeResult.Decline("invalid_amount");

        var stream = await session.Events.FetchForWriting<Payment>(requested.PaymentId, ct);
        if (stream.Aggregate is { IsSettled: true } settled)
        {
            return [Reply(settled)];
        }

        var payment = stream.Aggregate ?? Payment.Create(requested);
        if (stream.Aggregate is null)
        {
            stream.AppendOne(requested);
        }

        var decision = PaymentRules.Settle(payment, result);
        stream.AppendMany(decision.Events);
        return [Reply(payment.After(decision.Events))];
    }

    private static object Reply(Payment payment) => payment.Status == PaymentStatus.Declined
        ? new PaymentFailed(payment.OrderId, payment.Id, payment.DeclineReason!)
        : new PaymentSucceeded(payment.OrderId, payment.Id, payment.Captured, payment.Currency);
}
