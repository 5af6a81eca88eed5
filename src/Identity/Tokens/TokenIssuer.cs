using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Shop.Identity.Users;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Tokens;

public sealed record IssuedToken(string AccessToken, string TokenType, int ExpiresIn);

/// <summary>Signs access tokens (RFC 9068 "at+jwt") with the ring's current key.</summary>
public sealed class TokenIssuer(SigningKeyRing keys, JwtSettings jwt, IdentitySettings settings, TimeProvider clock)
{
    private readonly JsonWebTokenHandler _handler = new();

    public IssuedToken Issue(User user)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var key = keys.Current;
        var claims = new List<Claim>
        {
            new(JwtRegisteredClaimNames.Sub, user.Id.ToString()),
            new(JwtRegisteredClaimNames.Email, user.Email.ToString()),
            new(JwtRegisteredClaimNames.Jti, Guid.NewGuid().ToString("N")),
        };
        claims.AddRange(user.Roles.Select(role => new Claim("role", role)));

        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = jwt.Issuer,
            Audience = jwt.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now + settings.AccessTokenLifetime,
            TokenType = JwtSettings.AccessTokenType,
            SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.EcdsaSha256),
        });
        return new IssuedToken(token, "Bearer", (int)settings.AccessTokenLifetime.TotalSeconds);
    }
}
