using Marten;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Users;

/// <summary>Opening an account, shared by the public sign-up and the operators' add-user command.</summary>
public static class Registration
{
    /// <summary>The kind of unique value an e-mail address is: one account per address, in any case.</summary>
    public const string EmailClaim = "email";

    /// <summary>Starts the user's stream and claims the e-mail address; null when the address is taken.</summary>
    public static async Task<UserRegistered?> StartAsync(
        IDocumentSession session, PasswordHasher hasher, string email, string displayName, string password, IReadOnlyList<string> roles, CancellationToken ct)
    {
        if (await session.FindAsync(EmailClaim, email, ct) is not null)
        {
            return null;
        }

        var id = Guid.CreateVersion7();
        var registered = new UserRegistered(
            id, PersonalData.Of(id, email.Trim()), PersonalData.Of(id, displayName.Trim()), hasher.Hash(password), [.. roles.Order(StringComparer.Ordinal)]);
        session.Events.StartStream<User>(registered.UserId, registered);
        session.Claim(EmailClaim, email, registered.UserId);
        if (roles.Contains(ShopRoles.Admin))
        {
            var roster = await session.Events.FetchForWriting<AdminRoster>(AdminRoster.StreamId, ct);
            roster.AppendOne(new AdminAdded(registered.UserId));
        }

        return registered;
    }
}
