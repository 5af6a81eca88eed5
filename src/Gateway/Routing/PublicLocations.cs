using Yarp.ReverseProxy.Transforms;

namespace Shop.Gateway.Routing;

/// <summary>
/// A service names what it created by its own path (<c>Location: /orders/{id}</c>), which the gateway
/// serves under the prefix its route removed (<c>/api/orders/{id}</c>): the prefix is put back on the way
/// out, so a client can follow the <c>Location</c> of a 201 or 202 through the gateway.
/// </summary>
public static class PublicLocations
{
    private const string RemovedPrefix = "PathRemovePrefix";

    public static IReverseProxyBuilder AddPublicLocations(this IReverseProxyBuilder proxy) => proxy.AddTransforms(context =>
    {
        var prefix = context.Route.Transforms?.Select(t => t.GetValueOrDefault(RemovedPrefix)).FirstOrDefault(p => !string.IsNullOrEmpty(p));
        if (prefix is not null)
        {
            context.AddResponseTransform(response =>
            {
                var headers = response.HttpContext.Response.Headers;
                if (headers.Location.Count > 0)
                {
                    headers.Location = Public(headers.Location.ToString(), prefix);
                }

                return ValueTask.CompletedTask;
            });
        }
    });

    /// <summary>The address a client uses for a service's <paramref name="location"/>; absolute addresses and the empty one are left as they are.</summary>
    public static string Public(string location, string prefix) =>
        location.StartsWith('/') && !location.StartsWith("//", StringComparison.Ordinal) && !location.StartsWith(prefix + "/", StringComparison.Ordinal)
            ? prefix + location
            : location;
}
