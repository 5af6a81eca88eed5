using Marten;
using Marten.Services;

namespace Shop.ServiceDefaults.Http;

/// <summary>The Idempotency-Key claim the current request holds, for the transaction that carries the request out.</summary>
public sealed class IdempotencyClaim(string id, string hash, Guid token, int revision)
{
    private static readonly AsyncLocal<IdempotencyClaim?> CurrentClaim = new();

    public static IdempotencyClaim? Current
    {
        get => CurrentClaim.Value;
        set => CurrentClaim.Value = value;
    }

    public string Id { get; } = id;

    public string Hash { get; } = hash;

    public Guid Token { get; } = token;

    /// <summary>The claim's revision as this request last wrote it.</summary>
    public int Revision { get; private set; } = revision;

    public bool CarriedOut { get; private set; }

    internal IDocumentSession? MarkingIn { get; set; }

    internal void MarkedCarriedOut()
    {
        Revision++;
        CarriedOut = true;
        MarkingIn = null;
    }
}

/// <summary>
/// Marks the current request's Idempotency-Key claim carried out in the same transaction as the
/// request's own changes. The mark goes in at the next revision of the claim, so if the claim was
/// taken over meanwhile (the request outlived <see cref="Idempotency.ClaimLifetime"/>) the whole
/// transaction is refused and the request's effect does not happen twice.
/// </summary>
internal sealed class IdempotentEffects : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        if (IdempotencyClaim.Current is { CarriedOut: false, MarkingIn: null } claim && ChangesMoreThanClaims(session))
        {
            session.UpdateRevision(
                new IdempotentRequest { Id = claim.Id, RequestHash = claim.Hash, Claim = claim.Token, CarriedOut = true, CreatedAt = DateTimeOffset.UtcNow },
                claim.Revision + 1);
            claim.MarkingIn = session;
        }

        return Task.CompletedTask;
    }

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (IdempotencyClaim.Current is { } claim && ReferenceEquals(claim.MarkingIn, session))
        {
            claim.MarkedCarriedOut();
        }

        return Task.CompletedTask;
    }

    private static bool ChangesMoreThanClaims(IDocumentSession session) =>
        session.PendingChanges.Streams().Any() || session.PendingChanges.Operations().Any(o => o.DocumentType != typeof(IdempotentRequest));
}
