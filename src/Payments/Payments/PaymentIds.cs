using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Payments.Payments;

/// <summary>
/// A payment's id is derived from its order's id, never drawn at random: a command retried after a
/// crash that struck between the charge and the append asks the processor again with the very same
/// idempotency key, and the order can only ever have this one payment stream.
/// </summary>
public static class PaymentIds
{
    private static readonly Guid Namespace = new("8f3c2b8e-5d57-4a53-9a4e-4f1e2a6b0c11");

    public static Guid ForOrder(Guid orderId) => NameBasedGuid.Create(Namespace, $"payment:{orderId:N}");

    /// <summary>The idempotency key of the one refund a payment can have.</summary>
    public static Guid RefundOf(Guid paymentId) => NameBasedGuid.Create(Namespace, $"refund:{paymentId:N}");
}
