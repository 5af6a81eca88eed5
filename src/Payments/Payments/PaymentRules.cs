using Shop.Payments.Processing;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Payments.Payments;

/// <summary>What may happen to a payment.</summary>
public static class PaymentRules
{
    public const decimal MaxAmount = 1_000_000m;

    public static string? AmountProblem(decimal amount) =>
        amount <= 0 || amount > MaxAmount ? $"Amount must be more than 0 and at most {MaxAmount}."
        : decimal.Round(amount, 2) != amount ? "Amount must have at most two decimals."
        : null;

    /// <summary>The events that record the processor's answer to a charge.</summary>
    public static Decision Settle(Payment payment, ChargeResult result) => payment.IsSettled
        ? Decision.Accept()
        : result.Approved
            ? Decision.Accept(new PaymentAuthorized(payment.Id, result.AuthorizationCode!), new PaymentCaptured(payment.Id, payment.Amount))
            : Decision.Accept(new PaymentDeclined(payment.Id, result.DeclineReason!));

    /// <summary>Only what was captured, and not yet given back, can be refunded.</summary>
    public static Decision Refund(Payment payment, decimal amount, string reason) =>
        amount <= 0 ? Decision.Reject(ErrorKind.Invalid, "A refund must be of a positive amount.", ProblemCodes.InvalidRequest)
        : amount > payment.NetCaptured ? Decision.Conflict(ProblemCodes.RefundExceedsCapture, $"Only {payment.NetCaptured} {payment.Currency} can be refunded.")
        : Decision.Accept(new PaymentRefunded(payment.Id, amount, reason));
}
