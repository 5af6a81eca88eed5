using Wolverine.Attributes;

namespace Shop.Contracts.Users;

/// <summary>Routing keys on the <see cref="Exchanges.Users"/> exchange.</summary>
public static class UserTopics
{
    public const string Registered = "user.registered";
    public const string Deactivated = "user.deactivated";
    public const string Reactivated = "user.reactivated";
    public const string Renamed = "user.renamed";
    public const string Forgotten = "user.forgotten";
}

/// <summary>A new account exists; services that address customers keep their own copy of these details.</summary>
[MessageIdentity("user.registered", Version = 1)]
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName);

[MessageIdentity("user.deactivated", Version = 1)]
public sealed record UserDeactivated(Guid UserId);

[MessageIdentity("user.reactivated", Version = 1)]
public sealed record UserReactivated(Guid UserId);

/// <summary>A customer chose another display name; services addressing them update their copy.</summary>
[MessageIdentity("user.renamed", Version = 1)]
public sealed record UserRenamed(Guid UserId, string DisplayName);

/// <summary>
/// A customer asked to be forgotten: every service erases what it keeps about them (deletes its key
/// for them) and treats the account as closed for good.
/// </summary>
[MessageIdentity("user.forgotten", Version = 1)]
public sealed record UserForgotten(Guid UserId);
