using Marten;

namespace Shop.Payments.Processing;

/// <summary>One operation the simulated processor performed, remembered under its idempotency key.</summary>
public sealed record ProcessorOperation(Guid Id, string Kind, decimal Amount, string Currency, bool Approved, string? AuthorizationCode, string? DeclineReason);

public sealed record SimulatedProcessorSettings(TimeSpan SlowCardDelay);

/// <summary>
/// Test card tokens decide the outcome: pm_card_visa approves, pm_card_declined and
/// pm_card_insufficient_funds decline, pm_card_slow approves after a delay, anything else is an
/// invalid payment method. Its ledger lives in its own table and commits on its own, outside the
/// caller's transaction, exactly like a remote processor: a crash after a charge leaves the charge.
/// The lookup of a key and the record of its operation are one transaction of the ledger's.
/// </summary>
public sealed class SimulatedCardProcessor(IDocumentStore store, SimulatedProcessorSettings settings) : ICardProcessor
{
    public const string Visa = "pm_card_visa";
    public const string Declined = "pm_card_declined";
    public const string InsufficientFunds = "pm_card_insufficient_funds";
    public const string Slow = "pm_card_slow";

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        // A slow card is slow before the ledger is touched, so no transaction of the database is held
        // open through the wait (one would hold the service's projections behind any hole in the event
        // sequence); a slow card asked again under its key waits again.
        if (request.PaymentMethod == Slow)
        {
            await Task.Delay(settings.SlowCardDelay, ct);
        }

        await using var ledger = store.LightweightSession();
        await ledger.BeginTransactionAsync(ct);
        if (await ledger.LoadAsync<ProcessorOperation>(request.IdempotencyKey, ct) is { } earlier)
        {
            return new ChargeResult(earlier.Approved, earlier.AuthorizationCode, earlier.DeclineReason);
        }

        var result = request.PaymentMethod switch
        {
            Visa or Slow => ChargeResult.Approve($"auth_{Guid.NewGuid():N}"[..21]),
            Declined => ChargeResult.Decline("card_declined"),
            InsufficientFunds => ChargeResult.Decline("insufficient_funds"),
            _ => ChargeResult.Decline("invalid_payment_method"),
        };
        ledger.Insert(new ProcessorOperation(request.IdempotencyKey, "charge", request.Amount, request.Currency, result.Approved, result.AuthorizationCode, result.DeclineReason));
        await ledger.SaveChangesAsync(ct);
        return result;
    }

    public async Task RefundAsync(RefundRequest request, CancellationToken ct)
    {
        await using var ledger = store.LightweightSession();
        await ledger.BeginTransactionAsync(ct);
        if (await ledger.LoadAsync<ProcessorOperation>(request.IdempotencyKey, ct) is not null)
        {
            return;
        }

        ledger.Insert(new ProcessorOperation(request.IdempotencyKey, "refund", request.Amount, request.Currency, true, null, null));
        await ledger.SaveChangesAsync(ct);
    }
}
