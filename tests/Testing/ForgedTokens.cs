using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.Testing;

/// <summary>Builds access tokens by hand, good and bad, the way an attacker or a broken client would.</summary>
public static class ForgedTokens
{
    public static ECDsaSecurityKey LoadKey(string pemPath) => KeyFromPem(File.ReadAllText(pemPath));

    /// <summary>A private key, named as Identity names it (its RFC 7638 thumbprint).</summary>
    public static ECDsaSecurityKey KeyFromPem(string pem)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key).ComputeJwkThumbprint());
        return key;
    }

    public static ECDsaSecurityKey NewKey(string kid) => new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = kid };

    public static string Sign(
        SecurityKey key,
        Guid subject,
        string algorithm = SecurityAlgorithms.EcdsaSha256,
        string issuer = "shop-identity",
        string audience = "shop",
        string type = "at+jwt",
        DateTime? notBefore = null,
        DateTime? expires = null,
        IDictionary<string, object>? extraHeader = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject.ToString()), new Claim("role", "customer")]),
            IssuedAt = notBefore ?? now,
            NotBefore = notBefore ?? now,
            Expires = expires ?? now.AddMinutes(10),
            TokenType = type,
            AdditionalHeaderClaims = extraHeader,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>A token without "exp": the descriptor always writes one, so it is assembled by hand and signed.</summary>
    public static string SignWithoutExpiry(ECDsaSecurityKey key, Guid subject)
    {
        var header = Encode($$"""{"alg":"ES256","kid":"{{key.KeyId}}","typ":"at+jwt"}""");
        var payload = Encode($$"""{"sub":"{{subject}}","iss":"shop-identity","aud":"shop","role":"customer"}""");
        var signature = key.ECDsa.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256);
        return $"{header}.{payload}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>The unsecured JWT of RFC 7519 section 6: "alg": "none" and no signature.</summary>
    public static string Unsigned(Guid subject)
    {
        var exp = DateTimeOffset.UtcNow.AddMinutes(10).ToUnixTimeSeconds();
        var header = Encode("""{"alg":"none","typ":"at+jwt"}""");
        var payload = Encode($$"""{"sub":"{{subject}}","iss":"shop-identity","aud":"shop","exp":{{exp}},"role":"admin"}""");
        return $"{header}.{payload}.";
    }

    /// <summary>The same token with one claim of its payload rewritten and the original signature kept.</summary>
    public static string Tampered(string token, string from, string to)
    {
        var parts = token.Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace(from, to, StringComparison.Ordinal);
        return $"{parts[0]}.{Encode(payload)}.{parts[2]}";
    }

    private static string Encode(string json) => Base64UrlEncoder.Encode(json);
}
