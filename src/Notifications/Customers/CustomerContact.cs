using Marten;
using Shop.Contracts.Users;
using Shop.ServiceDefaults.Privacy;

namespace Shop.Notifications.Customers;

/// <summary>
/// Where to reach a customer: Notifications' own copy, so sending never needs a call to Identity.
/// Its e-mail and name are sealed with Notifications' own key for the customer.
/// </summary>
public sealed record CustomerContact(Guid Id, PersonalData Email, PersonalData DisplayName);

/// <summary>Keeps the copy from Identity's user.registered events; a redelivery stores the same again.</summary>
public static class UserRegisteredHandler
{
    public static async Task Handle(UserRegistered registered, IDocumentSession session, PersonalDataKeys keys, CancellationToken ct)
    {
        // A redelivery after the customer was forgotten must not bring the address back.
        if (await keys.ForgottenAtAsync(registered.UserId, ct) is null)
        {
            session.Store(new CustomerContact(
                registered.UserId, PersonalData.Of(registered.UserId, registered.Email), PersonalData.Of(registered.UserId, registered.DisplayName)));
        }
    }
}

/// <summary>Keeps the copy's name in step with Identity's user.renamed events.</summary>
public static class UserRenamedHandler
{
    public static async Task Handle(UserRenamed renamed, IDocumentSession session, ILogger<UserRenamed> log, CancellationToken ct)
    {
        if (await session.LoadAsync<CustomerContact>(renamed.UserId, ct) is not { } contact)
        {
            // Registration always comes first from Identity; without it (or once forgotten) there is no address to keep a name for.
            log.LogWarning("Renamed customer {UserId} is not known here; the name is not kept", renamed.UserId);
            return;
        }

        // Both values stored anew, so a contact kept before values were sealed is sealed now.
        session.Store(new CustomerContact(contact.Id, Resealed(contact.Id, contact.Email), PersonalData.Of(renamed.UserId, renamed.DisplayName)));
    }

    private static PersonalData Resealed(Guid subject, PersonalData value) => value.Value is { } plain ? PersonalData.Of(subject, plain) : value;
}

/// <summary>
/// Forgets a customer here: Notifications' key for them goes, so does the contact copy, and nothing
/// is sent to them again.
/// </summary>
public static class UserForgottenHandler
{
    public static void Handle(UserForgotten forgotten, IDocumentSession session, PersonalDataKeys keys)
    {
        keys.Forget(session, forgotten.UserId);
        session.Delete<CustomerContact>(forgotten.UserId);
    }
}
