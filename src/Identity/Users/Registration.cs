using Marten;
using Shop.Identity.Credentials;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Users;

/// <summary>Opening an account, shared by the public sign-up and the operators' add-user command.</summary>
public static class Registration
{
    /// <summary>Starts the user's stream and claims the e-mail address; null when the address is taken.</summary>
    public static async Task<UserRegistered?> StartAsync(
        IDocumentSession session, PasswordHasher hasher, string email, string displayName, string password, IReadOnlyList<string> roles, CancellationToken ct)
    {
        var key = EmailClaim.KeyOf(email);
        if (await session.LoadAsync<EmailClaim>(key, ct) is not null)
        {
            return null;
        }

        var registered = new UserRegistered(Guid.CreateVersion7(), email.Trim(), displayName.Trim(), hasher.Hash(password), [.. roles.Order(StringComparer.Ordinal)]);
        session.Events.StartStream<User>(registered.UserId, registered);
        // A concurrent sign-up with the same address fails here, at commit, on the claim's primary key.
        session.Insert(new EmailClaim(key, registered.UserId));
        if (roles.Contains(ShopRoles.Admin))
        {
            var roster = await session.Events.FetchForWriting<AdminRoster>(AdminRoster.StreamId, ct);
            roster.AppendOne(new AdminAdded(registered.UserId));
        }

        return registered;
    }
}
