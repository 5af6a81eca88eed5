using System.Security.Cryptography;
using System.Text;

namespace Shop.Payments.Payments;

/// <summary>
/// A payment's id is derived from its order's id (an RFC 9562 version 5 UUID), never drawn at random:
/// a command retried after a crash that struck between the charge and the append asks the processor
/// again with the very same idempotency key, and the order can only ever have this one payment stream.
/// </summary>
public static class PaymentIds
{
    private static readonly Guid Namespace = new("8f3c2b8e-5d57-4a53-9a4e-4f1e2a6b0c11");

    public static Guid ForOrder(Guid orderId) => NameBased($"payment:{orderId:N}");

    /// <summary>The idempotency key of the one refund a payment can have.</summary>
    public static Guid RefundOf(Guid paymentId) => NameBased($"refund:{paymentId:N}");

    private static Guid NameBased(string name)
    {
        var bytes = SHA1.HashData([.. Namespace.ToByteArray(bigEndian: true), .. Encoding.UTF8.GetBytes(name)]);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes.AsSpan(0, 16), bigEndian: true);
    }
}
