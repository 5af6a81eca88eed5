using Shop.ServiceDefaults.Security;
using Shop.Testing;

namespace Shop.Identity.Tests;

public class CliTests(IdentityFixture fixture)
{
    [Fact]
    public async Task add_user_creates_an_account_with_the_password_from_standard_input_and_leaves_an_existing_one_alone()
    {
        var email = IdentityFixture.UniqueEmail("operator");

        var created = await IdentityCli.RunAsync(fixture, $"add-user --email {email} --role {ShopRoles.Auditor}", "operator passphrase 1");
        var again = await IdentityCli.RunAsync(fixture, $"add-user --email {email} --role {ShopRoles.Auditor}", "another passphrase 2");

        created.ExitCode.ShouldBe(0, created.Output);
        again.ExitCode.ShouldBe(0, again.Output);
        again.Output.ShouldContain("already exists");
        var token = await fixture.TokenAsync(email, "operator passphrase 1");
        new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).GetClaim("role").Value.ShouldBe(ShopRoles.Auditor);
    }

    [Fact]
    public async Task add_user_refuses_a_short_password_and_creates_nothing()
    {
        var email = IdentityFixture.UniqueEmail("operator");

        var outcome = await IdentityCli.RunAsync(fixture, $"add-user --email {email}", "short");

        outcome.ExitCode.ShouldNotBe(0);
        outcome.Output.ShouldContain("at least 12 characters");
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = "short" }).ToUrl("/auth/token");
            s.StatusCodeShouldBe(401);
        });
    }

    [Fact]
    public async Task audit_replay_prints_every_event_and_the_state_after_it_without_the_password_hash()
    {
        var (id, _, token) = await fixture.CustomerAsync();
        await fixture.Host.Scenario(s =>
        {
            s.Put.Json(new { displayName = "Replayed Name" }).ToUrl("/users/me/display-name");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });

        var outcome = await IdentityCli.RunAsync(fixture, $"audit replay --stream {id}");

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        outcome.Output.ShouldContain("#1 seq");
        outcome.Output.ShouldContain("user_registered");
        outcome.Output.ShouldContain("#2 seq");
        outcome.Output.ShouldContain("\"displayName\":\"Replayed Name\"");
        outcome.Output.ShouldNotContain("pbkdf2");
    }

    [Fact]
    public async Task audit_export_writes_one_json_line_per_event_in_the_range()
    {
        var (id, _, _) = await fixture.CustomerAsync();
        var file = Path.Combine(Path.GetTempPath(), $"shop-export-{Guid.NewGuid():N}.ndjson");

        var outcome = await IdentityCli.RunAsync(fixture, $"audit export --from {DateTimeOffset.UtcNow.AddMinutes(-10):O} --output {file}");

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        var lines = await File.ReadAllLinesAsync(file, TestContext.Current.CancellationToken);
        lines.ShouldContain(l => l.Contains(id.ToString(), StringComparison.Ordinal) && l.Contains("user_registered", StringComparison.Ordinal));
        lines.ShouldAllBe(l => l.StartsWith('{') && !l.Contains("pbkdf2"));
        File.Delete(file);
    }
}
