namespace Shop.Gateway.Routing;

/// <summary>
/// A service that refuses the connection, resets it or does not answer in time becomes a 503
/// ProblemDetails naming the service, never a bare 502 or 504 or a hanging request. A request the
/// gateway itself refused while forwarding it (too large) keeps its 4xx.
/// </summary>
public static class ProxyErrors
{
    public static IReverseProxyApplicationBuilder UseServiceUnavailableProblems(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.Use(async (context, next) =>
        {
            await next();
            if (context.GetForwarderErrorFeature() is not { } failure || context.Response.HasStarted)
            {
                return;
            }

            if (RejectedRequest(failure.Exception) is { } rejected)
            {
                await Results.Problem(statusCode: rejected.StatusCode, title: "Request rejected", detail: rejected.Message).ExecuteAsync(context);
                return;
            }

            var service = context.GetReverseProxyFeature().Cluster?.Config.ClusterId ?? "the service";
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Shop.Gateway")
                .LogWarning(failure.Exception, "{Service} failed to answer {Path}: {Error}", service, context.Request.Path, failure.Error);
            await Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Service unavailable",
                detail: $"The {service} service is not answering. Try again shortly.",
                extensions: new Dictionary<string, object?> { ["service"] = service }).ExecuteAsync(context);
        });
        return proxy;
    }

    // The client's own request broke a limit while it was being forwarded (a body over the size limit):
    // that is the client's error, with the status Kestrel chose, not the service's.
    private static BadHttpRequestException? RejectedRequest(Exception? e) => e switch
    {
        null => null,
        BadHttpRequestException bad => bad,
        _ => RejectedRequest(e.InnerException),
    };
}
