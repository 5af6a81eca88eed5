using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Security;
using Shop.Testing;

namespace Shop.Identity.Tests;

public class TokenTests(IdentityFixture fixture)
{
    [Fact]
    public async Task a_token_carries_sub_email_role_issuer_audience_and_a_15_minute_expiry()
    {
        var (id, email, token) = await fixture.CustomerAsync();

        var jwt = new JsonWebToken(token);

        jwt.Subject.ShouldBe(id.ToString());
        jwt.GetClaim("email").Value.ShouldBe(email);
        jwt.GetClaim("role").Value.ShouldBe(ShopRoles.Customer);
        jwt.Issuer.ShouldBe("shop-identity");
        jwt.Audiences.ShouldBe(["shop"]);
        jwt.Alg.ShouldBe("ES256");
        jwt.Typ.ShouldBe("at+jwt");
        (jwt.ValidTo - jwt.IssuedAt).ShouldBe(TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task a_token_validates_against_the_served_jwks_with_a_standard_jwt_library()
    {
        var (_, _, token) = await fixture.CustomerAsync();
        var discovery = JsonDocument.Parse(await (await fixture.Host.Scenario(s => s.Get.Url("/.well-known/openid-configuration"))).ReadAsTextAsync());
        discovery.RootElement.GetProperty("issuer").GetString().ShouldBe("shop-identity");
        var jwks = new JsonWebKeySet(await (await fixture.Host.Scenario(s => s.Get.Url("/.well-known/jwks.json"))).ReadAsTextAsync());

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = "shop-identity",
            ValidAudience = "shop",
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        });

        result.IsValid.ShouldBeTrue(result.Exception?.Message);
    }

    [Fact]
    public async Task the_jwks_publishes_no_private_key_material()
    {
        var body = await (await fixture.Host.Scenario(s => s.Get.Url("/.well-known/jwks.json"))).ReadAsTextAsync();

        foreach (var key in JsonDocument.Parse(body).RootElement.GetProperty("keys").EnumerateArray())
        {
            key.TryGetProperty("d", out _).ShouldBeFalse();
            key.GetProperty("kty").GetString().ShouldBe("EC");
        }
    }

    [Fact]
    public async Task a_wrong_password_and_an_unknown_email_get_the_same_401()
    {
        var (_, email, _) = await fixture.CustomerAsync();

        var wrong = await RefusedBodyAsync(email, "not the password at all");
        var unknown = await RefusedBodyAsync(IdentityFixture.UniqueEmail("nobody"), IdentityFixture.Password);

        wrong.ShouldBe(unknown);
    }

    [Fact]
    public async Task a_deactivated_user_cannot_log_in_and_a_reactivated_one_can()
    {
        var (id, email, _) = await fixture.CustomerAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/deactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        await RefusedBodyAsync(email, IdentityFixture.Password);

        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/reactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });
        (await fixture.TokenAsync(email, IdentityFixture.Password)).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task a_missing_password_is_a_400()
    {
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email = "x@example.com" }).ToUrl("/auth/token");
            s.StatusCodeShouldBe(400);
        });
    }

    private async Task<string> RefusedBodyAsync(string email, string password)
    {
        var result = await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { email, password }).ToUrl("/auth/token");
            s.StatusCodeShouldBe(401);
        });
        var problem = JsonDocument.Parse(await result.ReadAsTextAsync()).RootElement;
        return $"{problem.GetProperty("title")}|{problem.GetProperty("detail")}";
    }
}
