using Integration = Shop.Contracts.Users;

namespace Shop.Identity.Users;

/// <summary>Which of Identity's events other services hear about, and in what form.</summary>
public static class IntegrationEvents
{
    public static IEnumerable<object> For(IEnumerable<object> events) => events.SelectMany<object, object>(e => e switch
    {
        UserRegistered x => [new Integration.UserRegistered(x.UserId, x.Email.ToString(), x.DisplayName.ToString())],
        UserDeactivated x => [new Integration.UserDeactivated(x.UserId)],
        UserReactivated x => [new Integration.UserReactivated(x.UserId)],
        DisplayNameChanged x => [new Integration.UserRenamed(x.UserId, x.DisplayName.ToString())],
        UserForgotten x => [new Integration.UserForgotten(x.UserId)],
        _ => [],
    });
}
