using System.Text.Json;
using Marten;
using Shop.Identity.Tokens;
using Shop.Testing;

namespace Shop.Identity.Tests;

/// <summary>The OAuth 2.0 token endpoint: the password and refresh_token grants, rotation with reuse detection, revocation.</summary>
public class OAuthTests(IdentityFixture fixture)
{
    private static Dictionary<string, string> Refresh(string token) => new() { ["grant_type"] = "refresh_token", ["refresh_token"] = token };

    [Fact]
    public async Task the_password_grant_answers_an_oauth_token_that_is_not_cached()
    {
        var (_, email, _) = await fixture.CustomerAsync();

        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.FormData(new() { ["grant_type"] = "password", ["username"] = email, ["password"] = IdentityFixture.Password }).ToUrl("/oauth/token");
            s.StatusCodeShouldBeOk();
            s.Header("Cache-Control").SingleValueShouldEqual("no-store");
        });
        var token = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;

        token.GetProperty("token_type").GetString().ShouldBe("Bearer");
        token.GetProperty("expires_in").GetInt32().ShouldBe(900);
        token.GetProperty("access_token").GetString().ShouldNotBeNullOrEmpty();
        token.GetProperty("refresh_token").GetString()!.Length.ShouldBe(43);
    }

    [Fact]
    public async Task a_refresh_token_gives_a_new_access_token_and_its_successor_once()
    {
        var (_, email, _) = await fixture.CustomerAsync();
        var first = (await fixture.LogInAsync(email, IdentityFixture.Password)).GetProperty("refresh_token").GetString()!;

        var renewed = await fixture.OAuthAsync(Refresh(first), 200);
        var second = renewed.GetProperty("refresh_token").GetString()!;

        second.ShouldNotBe(first);
        renewed.GetProperty("access_token").GetString().ShouldNotBeNullOrEmpty();
        (await fixture.OAuthAsync(Refresh(second), 200)).GetProperty("refresh_token").GetString().ShouldNotBe(second);
    }

    [Fact]
    public async Task reusing_a_spent_refresh_token_revokes_every_token_of_that_log_in()
    {
        var (_, email, _) = await fixture.CustomerAsync();
        var stolen = (await fixture.LogInAsync(email, IdentityFixture.Password)).GetProperty("refresh_token").GetString()!;
        var successor = (await fixture.OAuthAsync(Refresh(stolen), 200)).GetProperty("refresh_token").GetString()!;
        var otherLogIn = (await fixture.LogInAsync(email, IdentityFixture.Password)).GetProperty("refresh_token").GetString()!;

        (await fixture.OAuthAsync(Refresh(stolen), 400)).GetProperty("error").GetString().ShouldBe("invalid_grant");

        (await fixture.OAuthAsync(Refresh(successor), 400)).GetProperty("error").GetString().ShouldBe("invalid_grant");
        await fixture.OAuthAsync(Refresh(otherLogIn), 200);
    }

    [Fact]
    public async Task the_same_refresh_token_presented_twice_at_once_renews_at_most_once()
    {
        var (_, email, _) = await fixture.CustomerAsync();
        var token = (await fixture.LogInAsync(email, IdentityFixture.Password)).GetProperty("refresh_token").GetString()!;
        var store = fixture.Host.Services.GetRequiredService<RefreshTokenStore>();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => store.RotateAsync(token, CancellationToken.None)));

        outcomes.Count(o => o.Successor is not null).ShouldBeLessThanOrEqualTo(1);
        outcomes.Count(o => o.Refusal is not null).ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task revoking_a_refresh_token_logs_that_session_out_and_an_unknown_token_is_no_error()
    {
        var (_, email, _) = await fixture.CustomerAsync();
        var token = (await fixture.LogInAsync(email, IdentityFixture.Password)).GetProperty("refresh_token").GetString()!;

        await fixture.OAuthAsync(new() { ["token"] = token, ["token_type_hint"] = "refresh_token" }, 200, path: "/oauth/revoke");
        await fixture.OAuthAsync(new() { ["token"] = "never-issued" }, 200, path: "/oauth/revoke");

        (await fixture.OAuthAsync(Refresh(token), 400)).GetProperty("error").GetString().ShouldBe("invalid_grant");
    }

    [Fact]
    public async Task a_password_change_and_a_deactivation_revoke_the_users_refresh_tokens()
    {
        var (id, email, access) = await fixture.CustomerAsync();
        var beforeChange = (await fixture.LogInAsync(email, IdentityFixture.Password)).GetProperty("refresh_token").GetString()!;
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { currentPassword = IdentityFixture.Password, newPassword = "another long passphrase" }).ToUrl("/users/me/password");
            s.Bearer(access);
            s.StatusCodeShouldBeOk();
        });
        (await fixture.OAuthAsync(Refresh(beforeChange), 400)).GetProperty("error").GetString().ShouldBe("invalid_grant");

        var beforeDeactivation = (await fixture.LogInAsync(email, "another long passphrase")).GetProperty("refresh_token").GetString()!;
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/deactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        (await fixture.OAuthAsync(Refresh(beforeDeactivation), 400)).GetProperty("error").GetString().ShouldBe("invalid_grant");
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.Query<RefreshToken>().CountAsync(t => t.UserId == id)).ShouldBe(0);
    }

    [Theory]
    [InlineData("", "invalid_request")]
    [InlineData("client_credentials", "unsupported_grant_type")]
    [InlineData("password", "invalid_request")]
    [InlineData("refresh_token", "invalid_request")]
    public async Task a_malformed_token_request_is_an_oauth_error(string grant, string error)
    {
        var answer = await fixture.OAuthAsync(new() { ["grant_type"] = grant }, 400);

        answer.GetProperty("error").GetString().ShouldBe(error);
        answer.GetProperty("error_description").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public async Task a_wrong_password_is_invalid_grant_and_json_is_an_invalid_request()
    {
        var (_, email, _) = await fixture.CustomerAsync();

        (await fixture.OAuthAsync(new() { ["grant_type"] = "password", ["username"] = email, ["password"] = "wrong" }, 400, address: "192.0.2.77"))
            .GetProperty("error").GetString().ShouldBe("invalid_grant");
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { grant_type = "password" }).ToUrl("/oauth/token");
            s.StatusCodeShouldBe(400);
        });
    }

    [Fact]
    public async Task discovery_advertises_exactly_the_grants_and_endpoints_there_are()
    {
        var result = await fixture.Host.Scenario(s => s.Get.Url("/.well-known/openid-configuration"));
        var discovery = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;

        discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()).ShouldBe(["password", "refresh_token"]);
        discovery.GetProperty("token_endpoint").GetString()!.ShouldEndWith("/oauth/token");
        discovery.GetProperty("revocation_endpoint").GetString()!.ShouldEndWith("/oauth/revoke");
        discovery.GetProperty("response_types_supported").GetArrayLength().ShouldBe(0);
    }
}
