using Shop.Identity.Tokens;

namespace Shop.Identity.Tests;

/// <summary>Failed log-ins slow guessing down per account and per address; successful ones cost nothing.</summary>
public class LogInThrottleTests(IdentityFixture fixture)
{
    private static readonly LoginThrottle Defaults = new(5, TimeSpan.FromSeconds(60), TimeSpan.FromMinutes(15), 100, TimeSpan.FromMinutes(15));
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void an_account_gets_a_few_free_failures_then_a_doubling_wait_that_never_exceeds_the_cap()
    {
        LoginFailures? record = null;
        var waits = new List<TimeSpan?>();
        for (var i = 0; i < 20; i++)
        {
            record = Defaults.AccountFailed(record, "account:a", Start);
            waits.Add(LoginThrottle.WaitBefore([record], Start));
        }

        waits.Take(5).ShouldAllBe(w => w == null);
        waits.Skip(5).Take(4).ShouldBe([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8)]);
        waits.Max().ShouldBe(TimeSpan.FromSeconds(60));
        LoginThrottle.WaitBefore([record], Start + TimeSpan.FromSeconds(60)).ShouldBeNull();
    }

    [Fact]
    public void an_accounts_failures_are_forgotten_after_a_quiet_spell_and_an_address_window_ends()
    {
        var account = Enumerable.Range(0, 9).Aggregate((LoginFailures?)null, (r, _) => Defaults.AccountFailed(r, "account:a", Start));
        Defaults.AccountFailed(account, "account:a", Start + TimeSpan.FromMinutes(16)).Count.ShouldBe(1);

        var address = Enumerable.Range(0, 100).Aggregate((LoginFailures?)null, (r, _) => Defaults.AddressFailed(r, "address:x", Start));
        LoginThrottle.WaitBefore([address], Start).ShouldBe(TimeSpan.FromMinutes(15));
        Defaults.AddressFailed(address, "address:x", Start + TimeSpan.FromMinutes(15)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task thirty_customers_logging_in_correctly_from_one_address_all_succeed()
    {
        var customers = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            var email = IdentityFixture.UniqueEmail("office");
            await fixture.RegisterAsync(email);
            return email;
        }));

        foreach (var email in customers)
        {
            await fixture.LogInAsync(email, IdentityFixture.Password, address: "198.51.100.30");
        }
    }

    [Fact]
    public async Task sixty_wrong_passwords_for_one_account_from_many_addresses_are_throttled_with_retry_after()
    {
        var (_, email, _) = await fixture.CustomerAsync();
        var statuses = new List<int>();
        for (var i = 0; i < 60; i++)
        {
            var result = await fixture.Host.Scenario(s =>
            {
                s.Post.FormData(new() { ["grant_type"] = "password", ["username"] = email, ["password"] = $"guess {i}" }).ToUrl("/oauth/token");
                s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse($"203.0.113.{i + 1}"));
                s.StatusCodeShouldBe(i < 6 ? 400 : 429);
                if (i >= 6)
                {
                    s.Header("Retry-After").ShouldHaveValues();
                }
            });
            statuses.Add(result.Context.Response.StatusCode);
        }

        statuses.Count(s => s == 429).ShouldBe(54);
    }

    [Fact]
    public async Task failures_from_one_address_beyond_its_budget_are_throttled_for_every_account()
    {
        const string address = "198.51.100.99";
        for (var i = 0; i < 100; i++)
        {
            await fixture.OAuthAsync(new() { ["grant_type"] = "password", ["username"] = IdentityFixture.UniqueEmail("nobody"), ["password"] = "guess" }, 400, address);
        }

        var (_, email, _) = await fixture.CustomerAsync();
        await fixture.OAuthAsync(new() { ["grant_type"] = "password", ["username"] = email, ["password"] = IdentityFixture.Password }, 429, address);
        await fixture.LogInAsync(email, IdentityFixture.Password, address: "198.51.100.100");
    }

    [Fact]
    public async Task the_json_log_in_alias_is_throttled_the_same_way()
    {
        var (_, email, _) = await fixture.CustomerAsync();
        for (var i = 0; i < 6; i++)
        {
            await fixture.Host.Scenario(s =>
            {
                s.Post.Json(new { email, password = "wrong" }).ToUrl("/auth/token");
                s.ConfigureHttpContext(c => c.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("203.0.113.200"));
                s.StatusCodeShouldBe(401);
            });
        }

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password = IdentityFixture.Password }).ToUrl("/auth/token");
            s.StatusCodeShouldBe(429);
        });
    }
}
