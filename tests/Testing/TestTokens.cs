using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Security;

namespace Shop.Testing;

/// <summary>
/// Stands in for Identity at the token boundary: a service under test trusts this key instead of
/// fetching Identity's, and tests mint access tokens with it exactly as Identity shapes them.
/// </summary>
public sealed class TestTokens
{
    private readonly ECDsaSecurityKey _key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "test-key" };

    public string For(Guid userId, params string[] roles)
    {
        var claims = new List<Claim> { new("sub", userId.ToString()), new("email", $"{userId:N}@example.com") };
        claims.AddRange(roles.Select(r => new Claim("role", r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "shop-identity",
            Audience = "shop",
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddMinutes(15),
            TokenType = JwtSettings.AccessTokenType,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    public string Customer(Guid userId) => For(userId, ShopRoles.Customer);

    public string Admin() => For(Guid.NewGuid(), ShopRoles.Admin);

    public string Auditor() => For(Guid.NewGuid(), ShopRoles.Auditor);

    /// <summary>Accounts Identity would report deactivated: their tokens are refused.</summary>
    public HashSet<Guid> Deactivated { get; } = [];

    /// <summary>Whether this class answers for Identity's account status (off for a service that keeps its own, as Ordering does).</summary>
    public bool StandsInForAccountStatus { get; init; } = true;

    /// <summary>Makes the service validate tokens against this key (and only this key), with this class standing in for Identity's account status.</summary>
    public void Install(IServiceCollection services)
    {
        if (StandsInForAccountStatus)
        {
            services.Replace(ServiceDescriptor.Singleton<IAccountStatus>(new StandInAccountStatus(this)));
        }

        var configuration = new OpenIdConnectConfiguration { Issuer = "shop-identity" };
        configuration.SigningKeys.Add(_key);
        services.Replace(ServiceDescriptor.Singleton<IConfigurationManager<OpenIdConnectConfiguration>>(
            new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration)));
    }

    private sealed class StandInAccountStatus(TestTokens tokens) : IAccountStatus
    {
        public Task<bool> IsActiveAsync(Guid userId, string accessToken, CancellationToken ct) =>
            Task.FromResult(!tokens.Deactivated.Contains(userId));
    }
}
