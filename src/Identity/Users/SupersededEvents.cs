using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Privacy;

namespace Shop.Identity.Users;

/// <summary>
/// user_registered as stored before personal data was sealed, the e-mail and name in clear text. It
/// is read as version 2 with the values adopted under the user's key: erased once the user is forgotten.
/// </summary>
[EventName("user_registered", Superseded = true)]
public sealed record UserRegisteredV1(Guid UserId, string Email, string DisplayName, [property: Redacted] string PasswordHash, IReadOnlyList<string> Roles)
{
    public UserRegistered Upcast(PersonalDataKeys keys) => new(UserId, keys.Adopt(UserId, Email), keys.Adopt(UserId, DisplayName), PasswordHash, Roles);
}

/// <summary>display_name_changed as stored before personal data was sealed; read as version 2 like <see cref="UserRegisteredV1"/>.</summary>
[EventName("display_name_changed", Superseded = true)]
public sealed record DisplayNameChangedV1(Guid UserId, string DisplayName)
{
    public DisplayNameChanged Upcast(PersonalDataKeys keys) => new(UserId, keys.Adopt(UserId, DisplayName));
}
