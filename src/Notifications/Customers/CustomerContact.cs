using Marten;
using Shop.Contracts.Users;

namespace Shop.Notifications.Customers;

/// <summary>Where to reach a customer: Notifications' own copy, so sending never needs a call to Identity.</summary>
public sealed record CustomerContact(Guid Id, string Email, string DisplayName);

/// <summary>Keeps the copy from Identity's user.registered events; a redelivery stores the same again.</summary>
public static class UserRegisteredHandler
{
    public static void Handle(UserRegistered registered, IDocumentSession session) =>
        session.Store(new CustomerContact(registered.UserId, registered.Email, registered.DisplayName));
}

/// <summary>Keeps the copy's name in step with Identity's user.renamed events.</summary>
public static class UserRenamedHandler
{
    public static async Task Handle(UserRenamed renamed, IDocumentSession session, ILogger<UserRenamed> log, CancellationToken ct)
    {
        if (await session.LoadAsync<CustomerContact>(renamed.UserId, ct) is not { } contact)
        {
            // Registration always comes first from Identity; without it there is no address to keep a name for.
            log.LogWarning("Renamed customer {UserId} is not known here; the name is not kept", renamed.UserId);
            return;
        }

        session.Store(contact with { DisplayName = renamed.DisplayName });
    }
}
