using System.Collections.Immutable;
using Shop.Identity.Users;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Tests;

/// <summary>The business rules as pure functions: given a user, when a command, then events or a refusal.</summary>
public class UserRulesTests
{
    private static readonly Guid By = Guid.NewGuid();

    private static User Customer(bool active = true)
    {
        var id = Guid.NewGuid();
        return new(id, PersonalData.Of(id, "c@example.com"), PersonalData.Of(id, "C"), "hash", [ShopRoles.Customer], active);
    }

    [Fact]
    public void a_deactivated_user_cannot_change_their_display_name()
    {
        var decision = ChangeDisplayNameEndpoint.Decide(Customer(active: false), "New");

        decision.Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public void a_deactivated_user_cannot_change_their_password()
    {
        ChangePasswordEndpoint.Decide(Customer(active: false), true, "h").Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public void a_wrong_current_password_changes_nothing()
    {
        var decision = ChangePasswordEndpoint.Decide(Customer(), currentPasswordMatches: false, "h");

        decision.Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Invalid);
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void renaming_to_the_same_name_appends_nothing()
    {
        var user = Customer();

        var decision = ChangeDisplayNameEndpoint.Decide(user, $"  {user.DisplayName} ");

        decision.IsAccepted.ShouldBeTrue();
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void granting_a_role_already_held_appends_nothing()
    {
        GrantRoleEndpoint.Decide(Customer(), ShopRoles.Customer, By).Events.ShouldBeEmpty();
    }

    [Fact]
    public void granting_a_new_role_records_who_granted_it()
    {
        var user = Customer();

        var granted = GrantRoleEndpoint.Decide(user, ShopRoles.Admin, By).Events.ShouldHaveSingleItem().ShouldBeOfType<RoleGranted>();

        granted.ShouldBe(new RoleGranted(user.Id, ShopRoles.Admin, By));
    }

    [Fact]
    public void deactivating_twice_appends_one_event()
    {
        var user = Customer();
        var first = DeactivateEndpoint.Decide(user, By, "fraud");

        var second = DeactivateEndpoint.Decide(user.After(first.Events), By, "fraud");

        first.Events.ShouldHaveSingleItem().ShouldBeOfType<UserDeactivated>();
        second.Events.ShouldBeEmpty();
    }

    [Fact]
    public void the_last_active_admin_cannot_lose_the_admin_role()
    {
        var admin = Customer() with { Roles = [ShopRoles.Admin] };
        var roster = new AdminRoster(ImmutableHashSet.Create(admin.Id));

        var revoked = admin.After(RevokeRoleEndpoint.Decide(admin, ShopRoles.Admin, By).Events);

        roster.Reconcile(admin, revoked).Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public void the_last_active_admin_cannot_be_deactivated()
    {
        var admin = Customer() with { Roles = [ShopRoles.Admin] };
        var roster = new AdminRoster(ImmutableHashSet.Create(admin.Id));

        var deactivated = admin.After(DeactivateEndpoint.Decide(admin, By, null).Events);

        roster.Reconcile(admin, deactivated).IsAccepted.ShouldBeFalse();
    }

    [Fact]
    public void an_admin_can_step_down_while_another_remains()
    {
        var admin = Customer() with { Roles = [ShopRoles.Admin] };
        var roster = new AdminRoster(ImmutableHashSet.Create(admin.Id, Guid.NewGuid()));

        var decision = roster.Reconcile(admin, admin.After([new RoleRevoked(admin.Id, ShopRoles.Admin, By)]));

        decision.Events.ShouldHaveSingleItem().ShouldBe(new AdminRemoved(admin.Id));
    }

    [Fact]
    public void reactivating_an_admin_puts_them_back_on_the_roster()
    {
        var admin = Customer(active: false) with { Roles = [ShopRoles.Admin] };

        var decision = AdminRoster.Empty.Reconcile(admin, admin.After([new UserReactivated(admin.Id, By)]));

        decision.Events.ShouldHaveSingleItem().ShouldBe(new AdminAdded(admin.Id));
    }

    [Fact]
    public void the_last_active_admin_cannot_be_forgotten()
    {
        var admin = Customer() with { Roles = [ShopRoles.Admin] };
        var roster = new AdminRoster(ImmutableHashSet.Create(admin.Id));

        var forgotten = admin.After(ForgetEndpoint.Decide(admin, By, mayForget: true).Events);

        roster.Reconcile(admin, forgotten).Error.ShouldNotBeNull().Code.ShouldBe("last_admin");
    }

    [Fact]
    public void a_forget_needs_the_right_to_forget_closes_the_account_for_good_and_happens_once()
    {
        var customer = Customer();

        ForgetEndpoint.Decide(customer, customer.Id, mayForget: false).Error.ShouldNotBeNull().Code.ShouldBe("wrong_current_password");
        var decided = ForgetEndpoint.Decide(customer, By, mayForget: true).Events;
        decided.ShouldHaveSingleItem().ShouldBeOfType<UserForgotten>();
        var forgotten = customer.After(decided);

        (forgotten.Active, forgotten.Forgotten).ShouldBe((false, true));
        ForgetEndpoint.Decide(forgotten, By, mayForget: true).Events.ShouldBeEmpty();
        ReactivateEndpoint.Decide(forgotten, By).Error.ShouldNotBeNull().Code.ShouldBe("account_forgotten");
    }
}
