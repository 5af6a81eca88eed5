using JasperFx.Events;
using Marten.Events.Aggregation;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.ReadModels;

namespace Shop.Identity.Users;

/// <summary>What the user endpoints show about an account (never its password hash).</summary>
public sealed class UserView : IVersioned
{
    public Guid Id { get; set; }

    public required PersonalData Email { get; set; }

    public required PersonalData DisplayName { get; set; }

    public List<string> Roles { get; set; } = [];

    public bool Active { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When the user was forgotten: their e-mail and name then read as erased.</summary>
    public DateTimeOffset? ForgottenAt { get; set; }

    public long Version { get; set; }
}

/// <summary>The users read model, kept by the async daemon.</summary>
public sealed class UserViewProjection : SingleStreamProjection<UserView, Guid>
{
    public static UserView Create(IEvent<UserRegistered> e) => new()
    {
        Id = e.Data.UserId,
        Email = e.Data.Email,
        DisplayName = e.Data.DisplayName,
        Roles = [.. e.Data.Roles],
        Active = true,
        RegisteredAt = e.Timestamp,
        UpdatedAt = e.Timestamp,
        Version = e.Version,
    };

    public static void Apply(IEvent<DisplayNameChanged> e, UserView view) => Touch(view, e).DisplayName = e.Data.DisplayName;

    public static void Apply(IEvent<PasswordChanged> e, UserView view) => Touch(view, e);

    public static void Apply(IEvent<PasswordRehashed> e, UserView view) => Touch(view, e);

    public static void Apply(IEvent<RoleGranted> e, UserView view) =>
        Touch(view, e).Roles = [.. view.Roles.Append(e.Data.Role).Distinct().Order(StringComparer.Ordinal)];

    public static void Apply(IEvent<RoleRevoked> e, UserView view) => Touch(view, e).Roles.Remove(e.Data.Role);

    public static void Apply(IEvent<UserDeactivated> e, UserView view) => Touch(view, e).Active = false;

    public static void Apply(IEvent<UserReactivated> e, UserView view) => Touch(view, e).Active = true;

    public static void Apply(IEvent<UserForgotten> e, UserView view)
    {
        Touch(view, e).Active = false;
        view.ForgottenAt = e.Timestamp;
        // Sealed values read as erased once the key is gone; this also erases any stored before sealing.
        view.Email = PersonalData.Erased(view.Id);
        view.DisplayName = PersonalData.Erased(view.Id);
    }

    private static UserView Touch(UserView view, IEvent e)
    {
        view.UpdatedAt = e.Timestamp;
        view.Version = e.Version;
        return view;
    }
}
