using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Identity.Tokens;

public sealed record PublicJsonWebKey(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

public sealed record JsonWebKeySet(IReadOnlyList<PublicJsonWebKey> Keys);

/// <summary>What other services and clients need to validate Identity's tokens: OpenID Connect discovery and the public keys.</summary>
public static class DiscoveryEndpoints
{
    [WolverineGet("/.well-known/openid-configuration", OperationId = "getOpenIdConfiguration"), AllowAnonymous]
    [EndpointSummary("Read the discovery document: the issuer, its endpoints and grants, and where its signing keys are."), ProducesResponseType<Dictionary<string, object>>(StatusCodes.Status200OK)]
    public static IResult Configuration(JwtSettings jwt)
    {
        var authority = jwt.Authority.TrimEnd('/');
        // Exactly what Identity implements (RFC 8414): a token endpoint with two grants, revocation,
        // and public clients; no authorization endpoint, so no response types, and no ID tokens.
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = jwt.Issuer,
            ["jwks_uri"] = $"{authority}/.well-known/jwks.json",
            ["token_endpoint"] = $"{authority}{OAuthEndpoints.TokenPath}",
            ["grant_types_supported"] = new[] { "password", "refresh_token" },
            ["token_endpoint_auth_methods_supported"] = new[] { "none" },
            ["revocation_endpoint"] = $"{authority}{OAuthEndpoints.RevocationPath}",
            ["revocation_endpoint_auth_methods_supported"] = new[] { "none" },
            ["response_types_supported"] = Array.Empty<string>(),
            ["claims_supported"] = new[] { "sub", "email", "role", "iss", "aud", "exp", "iat", "nbf", "jti" },
        });
    }

    /// <summary>Only public parameters leave the service: the JWK is built from x and y, never from the private key.</summary>
    [WolverineGet("/.well-known/jwks.json", OperationId = "getSigningKeys"), AllowAnonymous]
    [EndpointSummary("Read the public keys that verify access tokens."), ProducesResponseType<JsonWebKeySet>(StatusCodes.Status200OK)]
    public static JsonWebKeySet Keys(SigningKeyRing ring) => new([.. ring.Published.Select(k =>
    {
        var point = k.Key.ECDsa.ExportParameters(includePrivateParameters: false).Q;
        return new PublicJsonWebKey("EC", "P-256", Base64UrlEncoder.Encode(point.X), Base64UrlEncoder.Encode(point.Y), k.KeyId, "sig", JwtSettings.Algorithm);
    })]);
}
