using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Shop.ServiceDefaults.Security;

/// <summary>How access tokens are checked: who issues them, for whom, and where the keys are published.</summary>
public sealed record JwtSettings(string Authority, string Issuer, string Audience, TimeSpan ClockSkew, bool RequireHttpsMetadata)
{
    /// <summary>How long a service trusts what Identity said about an account being active.</summary>
    public TimeSpan AccountStatusCacheTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a service fetches Identity's published keys: a retired key verifies here at most this long after Identity drops it.</summary>
    public TimeSpan KeysRefreshInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The token type Identity writes in the header (RFC 9068); an ID token or any other JWT is refused.</summary>
    public const string AccessTokenType = "at+jwt";

    public const string Algorithm = "ES256";

    public string MetadataAddress => $"{Authority.TrimEnd('/')}/.well-known/openid-configuration";

    public static JwtSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Jwt");
        var development = environment.IsDevelopment();
        return new JwtSettings(
            Authority: section["Authority"] ?? (development ? DevelopmentAuthority(configuration) :
                throw new InvalidOperationException("Jwt__Authority must be set outside Development.")),
            Issuer: section["Issuer"] ?? "shop-identity",
            Audience: section["Audience"] ?? "shop",
            ClockSkew: TimeSpan.FromSeconds(section.GetValue("ClockSkewSeconds", 30)),
            RequireHttpsMetadata: section.GetValue("RequireHttpsMetadata", !development))
        {
            AccountStatusCacheTime = TimeSpan.FromSeconds(section.GetValue("AccountStatusCacheSeconds", 30)),
            KeysRefreshInterval = TimeSpan.FromSeconds(section.GetValue("KeysRefreshSeconds", 60)),
        };
    }

    /// <summary>Identity's replicas through service discovery when they are listed (<c>Services:identity:http:*</c>), else its usual port.</summary>
    private static string DevelopmentAuthority(IConfiguration configuration) =>
        configuration.GetSection("Services:identity:http").Exists() ? "http://identity" : "http://127.0.0.1:3001";
}
