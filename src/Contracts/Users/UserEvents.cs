namespace Shop.Contracts.Users;

/// <summary>Routing keys on the <see cref="Exchanges.Users"/> exchange.</summary>
public static class UserTopics
{
    public const string Registered = "user.registered";
    public const string Deactivated = "user.deactivated";
    public const string Reactivated = "user.reactivated";
    public const string Renamed = "user.renamed";
}

/// <summary>A new account exists; services that address customers keep their own copy of these details.</summary>
public sealed record UserRegistered(Guid UserId, string Email, string DisplayName);

public sealed record UserDeactivated(Guid UserId);

public sealed record UserReactivated(Guid UserId);

/// <summary>A customer chose another display name; services addressing them update their copy.</summary>
public sealed record UserRenamed(Guid UserId, string DisplayName);
