namespace Shop.Payments.Processing;

/// <summary>A charge of a card token, identified by an idempotency key the caller chooses.</summary>
public sealed record ChargeRequest(Guid IdempotencyKey, decimal Amount, string Currency, string PaymentMethod);

public sealed record ChargeResult(bool Approved, string? AuthorizationCode, string? DeclineReason)
{
    public static ChargeResult Approve(string code) => new(true, code, null);

    public static ChargeResult Decline(string reason) => new(false, null, reason);
}

public sealed record RefundRequest(Guid IdempotencyKey, Guid PaymentId, decimal Amount, string Currency);

/// <summary>
/// The card processor, in the style of public payment APIs: the same idempotency key always gets
/// the first answer and never moves money twice, which is what makes retrying a charge safe.
/// </summary>
public interface ICardProcessor
{
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct);

    Task RefundAsync(RefundRequest request, CancellationToken ct);
}
