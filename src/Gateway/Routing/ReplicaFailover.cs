using System.Net.Sockets;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Shop.Gateway.Routing;

/// <summary>
/// A replica that refused the connection never saw the request, whatever its method: the request goes to
/// another replica of the service at once instead of failing, so a replica that just died costs no client
/// an error while the health checks take it out. Anything else that failed (a timeout, a connection lost
/// after the request went out) may have had its effect and is not sent again.
/// </summary>
public static class ReplicaFailover
{
    public static IReverseProxyApplicationBuilder UseOtherReplicaWhenRefused(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (context, next) =>
        {
            var proxied = context.GetReverseProxyFeature();
            var refused = new List<DestinationState>();
            while (true)
            {
                await next();
                if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted ||
                    !NeverSent(failure.Exception) || proxied.ProxiedDestination is not { } tried)
                {
                    return;
                }

                refused.Add(tried);
                var others = Untried(proxied.AvailableDestinations, refused) is { Count: > 0 } healthy ? healthy : Untried(proxied.AllDestinations, refused);
                if (others.Count == 0)
                {
                    return;
                }

                proxied.AvailableDestinations = others;
                context.Features.Set<IForwarderErrorFeature>(null);
                context.Response.StatusCode = StatusCodes.Status200OK;
            }
        });
        return proxy;
    }

    private static List<DestinationState> Untried(IReadOnlyList<DestinationState> destinations, List<DestinationState> refused) =>
        [.. destinations.Where(d => !refused.Contains(d))];

    /// <summary>The connection was never made, so not a byte of the request reached the service.</summary>
    private static bool NeverSent(Exception? e) => e switch
    {
        null => false,
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
        SocketException { SocketErrorCode: SocketError.ConnectionRefused } => true,
        _ => NeverSent(e.InnerException),
    };
}
