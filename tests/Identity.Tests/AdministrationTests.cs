using Shop.ServiceDefaults.Security;
using Shop.Testing;

namespace Shop.Identity.Tests;

public class AdministrationTests(IdentityFixture fixture)
{
    [Fact]
    public async Task customers_and_auditors_may_not_administer_users()
    {
        var (id, _, customer) = await fixture.CustomerAsync();
        var requests = new (string Method, string Url)[]
        {
            ("POST", $"/users/{id}/deactivate"),
            ("POST", $"/users/{id}/reactivate"),
            ("POST", $"/users/{id}/roles"),
            ("DELETE", $"/users/{id}/roles/customer"),
            ("POST", "/admin/projections/UserView/rebuild"),
        };

        foreach (var token in new[] { customer, fixture.AuditorToken })
        {
            foreach (var (method, url) in requests)
            {
                await fixture.Host.Scenario(s =>
                {
                    if (method == "POST")
                    {
                        s.Post.Json(new { role = "admin" }).ToUrl(url);
                    }
                    else
                    {
                        s.Delete.Url(url);
                    }

                    s.Bearer(token);
                    s.StatusCodeShouldBe(403);
                });
            }
        }
    }

    [Fact]
    public async Task an_admin_grants_and_revokes_roles()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { role = ShopRoles.Auditor }).ToUrl($"/users/{id}/roles");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        (await fixture.UserAsync(id, fixture.AdminToken, 2)).Roles.ShouldBe([ShopRoles.Auditor, ShopRoles.Customer]);

        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url($"/users/{id}/roles/{ShopRoles.Customer}");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        (await fixture.UserAsync(id, fixture.AdminToken, 3)).Roles.ShouldBe([ShopRoles.Auditor]);
    }

    [Fact]
    public async Task an_unknown_role_is_a_400()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { role = "superuser" }).ToUrl($"/users/{id}/roles");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(400);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url($"/users/{id}/roles/superuser");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task administering_an_unknown_user_is_a_404()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{Guid.NewGuid()}/deactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(404);
        });
    }

    [Fact]
    public async Task the_last_admin_can_neither_be_demoted_nor_deactivated_but_can_once_another_admin_exists()
    {
        // No other test makes admins, so after these two step down the fixture's admin is the last.
        var first = await fixture.SeedAsync(IdentityFixture.UniqueEmail("admin"), [ShopRoles.Admin]);
        var second = await fixture.SeedAsync(IdentityFixture.UniqueEmail("admin"), [ShopRoles.Admin]);

        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url($"/users/{second}/roles/admin");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url($"/users/{first}/roles/admin");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{fixture.AdminId}/deactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(409);
        });
        await fixture.Host.Scenario(s =>
        {
            s.Delete.Url($"/users/{fixture.AdminId}/roles/admin");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBe(409);
        });
    }
}
