using Marten;
using Shop.Contracts.Users;
using Wolverine;

namespace Shop.Ordering.Customers;

/// <summary>
/// Ordering's own copy of whether a customer's account is active, kept from Identity's integration
/// events, so taking an order never needs Identity to be up. <see cref="AsOf"/> is when Identity
/// sent the change: a late redelivery of an older change does not undo a newer one.
/// </summary>
public sealed record CustomerAccount(Guid Id, bool Active, DateTimeOffset AsOf, bool Forgotten = false);

/// <summary>Keeps <see cref="CustomerAccount"/> in step with user.registered, user.deactivated, user.reactivated and user.forgotten.</summary>
public static class CustomerAccountHandler
{
    /// <summary>A forgotten account stays closed, whatever arrives after.</summary>
    public static async Task Handle(UserForgotten forgotten, IDocumentSession session, Envelope envelope, CancellationToken ct)
    {
        if (await session.LoadAsync<CustomerAccount>(forgotten.UserId, ct) is not { Forgotten: true })
        {
            session.Store(new CustomerAccount(forgotten.UserId, Active: false, envelope.SentAt, Forgotten: true));
        }
    }

    public static Task Handle(UserRegistered registered, IDocumentSession session, Envelope envelope, CancellationToken ct) =>
        KeepAsync(session, registered.UserId, active: true, envelope, ct);

    public static Task Handle(UserDeactivated deactivated, IDocumentSession session, Envelope envelope, CancellationToken ct) =>
        KeepAsync(session, deactivated.UserId, active: false, envelope, ct);

    public static Task Handle(UserReactivated reactivated, IDocumentSession session, Envelope envelope, CancellationToken ct) =>
        KeepAsync(session, reactivated.UserId, active: true, envelope, ct);

    private static async Task KeepAsync(IDocumentSession session, Guid userId, bool active, Envelope envelope, CancellationToken ct)
    {
        if (await session.LoadAsync<CustomerAccount>(userId, ct) is { } known && (known.Forgotten || known.AsOf > envelope.SentAt))
        {
            return;
        }

        session.Store(new CustomerAccount(userId, active, envelope.SentAt));
    }
}
