using System.Text;
using Microsoft.IdentityModel.Tokens;
using Shop.Testing;

namespace Shop.Identity.Tests;

/// <summary>Every token below must be refused by the validation every service shares; the first proves the forgery kit itself works.</summary>
public class TokenValidationTests(IdentityFixture fixture)
{
    private ECDsaSecurityKey CurrentKey => ForgedTokens.LoadKey(Directory.GetFiles(fixture.KeysDirectory, "*.pem").Order().Last());

    [Fact]
    public async Task a_correctly_signed_token_made_by_hand_is_accepted()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        await StatusAsync(ForgedTokens.Sign(CurrentKey, id), id, 200);
    }

    [Fact]
    public async Task an_unsigned_alg_none_token_is_refused()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        await StatusAsync(ForgedTokens.Unsigned(id), id, 401);
    }

    [Fact]
    public async Task a_token_whose_claims_were_changed_after_signing_is_refused()
    {
        var (id, _, token) = await fixture.CustomerAsync();

        await StatusAsync(ForgedTokens.Tampered(token, "\"role\":\"customer\"", "\"role\":\"admin\""), id, 401);
    }

    [Fact]
    public async Task an_expired_token_is_refused()
    {
        var (id, _, _) = await fixture.CustomerAsync();
        var past = DateTime.UtcNow.AddMinutes(-30);

        await StatusAsync(ForgedTokens.Sign(CurrentKey, id, notBefore: past, expires: past.AddMinutes(15)), id, 401);
    }

    [Fact]
    public async Task a_token_not_yet_valid_is_refused()
    {
        var (id, _, _) = await fixture.CustomerAsync();
        var future = DateTime.UtcNow.AddMinutes(5);

        await StatusAsync(ForgedTokens.Sign(CurrentKey, id, notBefore: future, expires: future.AddMinutes(15)), id, 401);
    }

    [Fact]
    public async Task a_token_for_another_audience_is_refused()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        await StatusAsync(ForgedTokens.Sign(CurrentKey, id, audience: "someone-else"), id, 401);
    }

    [Fact]
    public async Task a_token_from_another_issuer_is_refused()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        await StatusAsync(ForgedTokens.Sign(CurrentKey, id, issuer: "https://evil.example"), id, 401);
    }

    [Fact]
    public async Task a_token_of_another_type_such_as_an_id_token_is_refused()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        await StatusAsync(ForgedTokens.Sign(CurrentKey, id, type: "JWT"), id, 401);
    }

    [Fact]
    public async Task a_token_without_expiry_is_refused()
    {
        var (id, _, _) = await fixture.CustomerAsync();

        await StatusAsync(ForgedTokens.SignWithoutExpiry(CurrentKey, id), id, 401);
    }

    [Fact]
    public async Task a_token_signed_by_an_unknown_key_is_refused_even_if_its_header_points_at_that_key()
    {
        var (id, _, _) = await fixture.CustomerAsync();
        var attacker = ForgedTokens.NewKey("attacker");
        var header = new Dictionary<string, object> { ["jku"] = "http://127.0.0.1:9/jwks.json" };

        await StatusAsync(ForgedTokens.Sign(attacker, id, extraHeader: header), id, 401);
    }

    [Fact]
    public async Task an_hs256_token_keyed_with_the_published_public_key_is_refused()
    {
        var (id, _, _) = await fixture.CustomerAsync();
        var jwks = await (await fixture.Host.Scenario(s => s.Get.Url("/.well-known/jwks.json"))).ReadAsTextAsync();
        var confused = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwks.PadRight(64))) { KeyId = CurrentKey.KeyId };

        await StatusAsync(ForgedTokens.Sign(confused, id, algorithm: SecurityAlgorithms.HmacSha256), id, 401);
    }

    /// <summary>Asks for the token subject's own status, which any valid token of theirs may read.</summary>
    private Task StatusAsync(string token, Guid subject, int expected) => fixture.Host.Scenario(s =>
    {
        s.Get.Url($"/users/{subject}/status");
        s.Bearer(token);
        s.StatusCodeShouldBe(expected);
    });
}
