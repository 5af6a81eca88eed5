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
