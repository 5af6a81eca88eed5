using Shop.Identity.Users;
using Shop.Testing;

namespace Shop.Identity.Tests;

public class UserAccessTests(IdentityFixture fixture)
{
    [Fact]
    public async Task me_shows_the_callers_own_account()
    {
        var (id, email, token) = await fixture.CustomerAsync();

        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url("/users/me");
            s.Bearer(token);
            s.WithRequestHeader("X-Min-Version", "1");
            s.StatusCodeShouldBeOk();
            s.Header("ETag").SingleValueShouldEqual("\"1\"");
        });

        var me = (await result.ReadAsJsonAsync<UserView>())!;
        me.Id.ShouldBe(id);
        me.Email.ToString().ShouldBe(email);
        me.Active.ShouldBeTrue();
    }

    [Fact]
    public async Task another_customers_account_is_a_404()
    {
        var (_, _, token) = await fixture.CustomerAsync();
        var (other, _, _) = await fixture.CustomerAsync();

        foreach (var url in new[] { $"/users/{other}", $"/users/{other}/status", $"/users/{other}/history", $"/users/{other}/state?version=1" })
        {
            await fixture.Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.Bearer(token);
                s.StatusCodeShouldBe(404);
            });
        }
    }

    [Fact]
    public async Task admins_and_auditors_read_any_account()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        (await fixture.UserAsync(id, fixture.AdminToken)).Id.ShouldBe(id);
        (await fixture.UserAsync(id, fixture.AuditorToken)).Id.ShouldBe(id);
    }

    [Fact]
    public async Task without_a_token_user_endpoints_are_401()
    {
        foreach (var url in new[] { "/users/me", $"/users/{Guid.NewGuid()}", $"/users/{Guid.NewGuid()}/history" })
        {
            await fixture.Host.Scenario(s =>
            {
                s.Get.Url(url);
                s.StatusCodeShouldBe(401);
            });
        }
    }

    [Fact]
    public async Task the_status_endpoint_follows_deactivation_at_once()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        (await StatusAsync(id, token)).Active.ShouldBeTrue();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/deactivate?reason=chargeback");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });

        (await StatusAsync(id, fixture.AdminToken)).Active.ShouldBeFalse();
    }

    [Fact]
    public async Task a_display_name_change_shows_on_the_next_read_at_its_version()
    {
        var (id, _, token) = await fixture.CustomerAsync();

        var result = await fixture.Host.Scenario(s =>
        {
            s.Put.Json(new { displayName = "  Renamed  " }).ToUrl("/users/me/display-name");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
            s.Header("ETag").SingleValueShouldEqual("\"2\"");
        });

        var view = await fixture.UserAsync(id, token, minVersion: 2);
        view.DisplayName.ToString().ShouldBe("Renamed");
        view.Version.ShouldBe(2);
        result.Context.Response.StatusCode.ShouldBe(200);
    }

    private async Task<UserStatus> StatusAsync(Guid id, string token)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Get.Url($"/users/{id}/status");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<UserStatus>())!;
    }
}
