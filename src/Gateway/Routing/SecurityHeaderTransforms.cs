using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Shop.Gateway.Routing;

/// <summary>The gateway sets the security headers of every answer itself; the services' copies are dropped, not doubled.</summary>
public static class SecurityHeaderTransforms
{
    private static readonly string[] Headers = ["X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "Content-Security-Policy"];

    public static void KeepTheGatewaysOwn(TransformBuilderContext context)
    {
        foreach (var header in Headers)
        {
            context.AddResponseHeaderRemove(header, ResponseCondition.Always);
        }
    }
}
