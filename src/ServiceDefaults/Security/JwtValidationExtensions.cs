using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Downstream;

namespace Shop.ServiceDefaults.Security;

public static class JwtValidationExtensions
{
    /// <summary>
    /// Every service validates access tokens itself against Identity's published keys, with an explicit
    /// algorithm allow-list, issuer, audience, token type, lifetime and a small clock skew. Endpoints
    /// need an authenticated caller unless they opt out with AllowAnonymous.
    /// </summary>
    public static WebApplicationBuilder AddJwtValidation(this WebApplicationBuilder builder)
    {
        var jwt = JwtSettings.From(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(jwt);

        // Identity replaces this with its own key ring; other services fetch the published keys.
        // Both clients reach Identity's replicas through service discovery when the authority names them.
        builder.Services.AddHttpClient(PublishedSigningKeys.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(5)).AddReplicaFailover();
        builder.Services.TryAddSingleton<IConfigurationManager<OpenIdConnectConfiguration>, PublishedSigningKeys>();

        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<AccountStatusQuestions>();
        builder.Services.AddHttpClient<IAccountStatus, IdentityAccountStatus>(c => c.Timeout = TimeSpan.FromSeconds(2)).AddReplicaFailover();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IConfigurationManager<OpenIdConnectConfiguration>>((o, keys) =>
            {
                o.ConfigurationManager = keys;
                o.MapInboundClaims = false;
                o.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
                o.TokenValidationParameters = ValidationParameters(jwt);
                o.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context => keys is PublishedSigningKeys published
                        ? published.PrepareForAsync(context.Request.Headers.Authorization, context.HttpContext.RequestAborted)
                        : Task.CompletedTask,
                    OnTokenValidated = RefuseDeactivatedAccountsAsync,
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(ShopPolicies.Admin, p => p.RequireRole(ShopRoles.Admin))
            .AddPolicy(ShopPolicies.AdminOrAuditor, p => p.RequireRole(ShopRoles.Admin, ShopRoles.Auditor));
        return builder;
    }

    private static async Task RefuseDeactivatedAccountsAsync(TokenValidatedContext context)
    {
        var accounts = context.HttpContext.RequestServices.GetRequiredService<IAccountStatus>();
        if (context.SecurityToken is JsonWebToken token && context.Principal is { } user &&
            !await accounts.IsActiveAsync(user.UserId(), token.EncodedToken, context.HttpContext.RequestAborted))
        {
            context.Fail("The account behind this token is deactivated.");
        }
    }

    /// <summary>The one definition of a valid access token, shared with Identity and the tests.</summary>
    public static TokenValidationParameters ValidationParameters(JwtSettings jwt) => new()
    {
        ValidIssuer = jwt.Issuer,
        ValidAudience = jwt.Audience,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidTypes = [JwtSettings.AccessTokenType],
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireExpirationTime = true,
        RequireSignedTokens = true,
        ClockSkew = jwt.ClockSkew,
        NameClaimType = JwtRegisteredClaimNames.Sub,
        RoleClaimType = "role",
    };

    /// <summary>The caller's user id (the token's subject).</summary>
    public static Guid UserId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(JwtRegisteredClaimNames.Sub), out var id) ? id : Guid.Empty;

    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(ShopRoles.Admin);

    public static bool IsAdminOrAuditor(this ClaimsPrincipal user) =>
        user.IsInRole(ShopRoles.Admin) || user.IsInRole(ShopRoles.Auditor);
}
