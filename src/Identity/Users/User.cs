using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Users;

[EventName("user_registered", Version = 2)]
public sealed record UserRegistered(Guid UserId, PersonalData Email, PersonalData DisplayName, [property: Redacted] string PasswordHash, IReadOnlyList<string> Roles);

[EventName("display_name_changed", Version = 2)]
public sealed record DisplayNameChanged(Guid UserId, PersonalData DisplayName);

[EventName("password_changed")]
public sealed record PasswordChanged(Guid UserId, [property: Redacted] string PasswordHash);

/// <summary>The same password, stored again with the current hashing parameters after a successful login.</summary>
[EventName("password_rehashed")]
public sealed record PasswordRehashed(Guid UserId, [property: Redacted] string PasswordHash);

[EventName("role_granted")]
public sealed record RoleGranted(Guid UserId, string Role, Guid By);

[EventName("role_revoked")]
public sealed record RoleRevoked(Guid UserId, string Role, Guid By);

[EventName("user_deactivated")]
public sealed record UserDeactivated(Guid UserId, Guid By, string? Reason);

[EventName("user_reactivated")]
public sealed record UserReactivated(Guid UserId, Guid By);

/// <summary>The customer's personal data is erased (its key deleted) and the account closed for good.</summary>
[EventName("user_forgotten")]
public sealed record UserForgotten(Guid UserId, Guid By);

/// <summary>An account: who it is, how it proves it, what it may do, and whether it may do anything at all.</summary>
public sealed record User(
    Guid Id, PersonalData Email, PersonalData DisplayName, [property: Redacted] string PasswordHash, IReadOnlyList<string> Roles, bool Active, bool Forgotten = false)
{
    public bool IsActiveAdmin => Active && Roles.Contains(ShopRoles.Admin);

    public static User Create(UserRegistered e) => new(e.UserId, e.Email, e.DisplayName, e.PasswordHash, e.Roles, true);

    public User Apply(DisplayNameChanged e) => this with { DisplayName = e.DisplayName };

    public User Apply(PasswordChanged e) => this with { PasswordHash = e.PasswordHash };

    public User Apply(PasswordRehashed e) => this with { PasswordHash = e.PasswordHash };

    public User Apply(RoleGranted e) => this with { Roles = [.. Roles.Append(e.Role).Distinct().Order(StringComparer.Ordinal)] };

    public User Apply(RoleRevoked e) => this with { Roles = [.. Roles.Where(r => r != e.Role)] };

    public User Apply(UserDeactivated _) => this with { Active = false };

    public User Apply(UserReactivated _) => this with { Active = true };

    public User Apply(UserForgotten _) => this with { Active = false, Forgotten = true };

    /// <summary>The state after the given events, for rules that look at the outcome of a decision.</summary>
    public User After(IEnumerable<object> events) => events.Aggregate(this, (user, e) => e switch
    {
        DisplayNameChanged x => user.Apply(x),
        PasswordChanged x => user.Apply(x),
        PasswordRehashed x => user.Apply(x),
        RoleGranted x => user.Apply(x),
        RoleRevoked x => user.Apply(x),
        UserDeactivated x => user.Apply(x),
        UserReactivated x => user.Apply(x),
        UserForgotten x => user.Apply(x),
        _ => user,
    });
}
