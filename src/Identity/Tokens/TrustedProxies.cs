using Microsoft.AspNetCore.HttpOverrides;

namespace Shop.Identity.Tokens;

/// <summary>
/// Log-in throttling counts failures per client address, which Identity learns from the gateway's
/// X-Forwarded-For. Only the proxies named here (loopback always; more under
/// Identity:TrustedProxyNetworks, e.g. the gateway pods' network) may set it.
/// </summary>
public static class TrustedProxies
{
    public static IServiceCollection AddTrustedProxies(this IServiceCollection services, IConfiguration configuration) =>
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            foreach (var network in configuration.GetSection("Identity:TrustedProxyNetworks").Get<string[]>() ?? [])
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
}
