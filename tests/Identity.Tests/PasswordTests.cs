using Marten;
using Shop.Identity.Credentials;
using Shop.Identity.Users;
using Shop.ServiceDefaults.Security;
using Shop.Testing;

namespace Shop.Identity.Tests;

public class PasswordTests(IdentityFixture fixture)
{
    private const string NewPassword = "an entirely new passphrase";

    [Fact]
    public async Task a_user_changes_their_password_with_the_old_one_and_only_the_new_one_works_after()
    {
        var (_, email, token) = await fixture.CustomerAsync();

        await ChangeAsync(token, IdentityFixture.Password, NewPassword, expected: 200);

        (await fixture.TokenAsync(email, NewPassword)).ShouldNotBeEmpty();
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = IdentityFixture.Password }).ToUrl("/auth/token");
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task a_wrong_old_password_is_a_400_and_changes_nothing()
    {
        var (_, email, token) = await fixture.CustomerAsync();

        await ChangeAsync(token, "this is not the password", NewPassword, expected: 400);

        (await fixture.TokenAsync(email, IdentityFixture.Password)).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task a_new_password_under_12_characters_is_a_400()
    {
        var (_, _, token) = await fixture.CustomerAsync();

        await ChangeAsync(token, IdentityFixture.Password, "too short", expected: 400);
    }

    [Fact]
    public async Task the_stored_hash_meets_owasp_asvs_parameters()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        var user = await LoadAsync(id);

        user.PasswordHash.ShouldStartWith("$pbkdf2-sha512$");
        PasswordHasher.IterationsOf(user.PasswordHash).ShouldBeGreaterThanOrEqualTo(210_000);
    }

    [Fact]
    public async Task a_hash_with_old_parameters_is_upgraded_at_the_next_successful_login()
    {
        var email = IdentityFixture.UniqueEmail();
        var id = await fixture.SeedAsync(email, [ShopRoles.Customer], new PasswordHasher(1_000));

        await fixture.TokenAsync(email, IdentityFixture.Password);

        var user = await LoadAsync(id);
        PasswordHasher.IterationsOf(user.PasswordHash).ShouldBeGreaterThanOrEqualTo(210_000);
        (await fixture.TokenAsync(email, IdentityFixture.Password)).ShouldNotBeEmpty();
    }

    private async Task<User> LoadAsync(Guid id)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.AggregateStreamAsync<User>(id))!;
    }

    private Task ChangeAsync(string token, string current, string next, int expected) => fixture.Host.Scenario(s =>
    {
        s.Post.Json(new { currentPassword = current, newPassword = next }).ToUrl("/users/me/password");
        s.Bearer(token);
        s.StatusCodeShouldBe(expected);
    });
}
