using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Tokens;

/// <summary>Identity validates tokens against its own key ring directly, instead of fetching its own JWKS over HTTP.</summary>
public sealed class KeyRingConfiguration(SigningKeyRing keys, JwtSettings jwt) : IConfigurationManager<OpenIdConnectConfiguration>
{
    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = jwt.Issuer };
        foreach (var key in keys.Published)
        {
            configuration.SigningKeys.Add(key.Key);
        }

        return Task.FromResult(configuration);
    }

    public void RequestRefresh()
    {
        // The ring rereads its directory by itself.
    }
}
