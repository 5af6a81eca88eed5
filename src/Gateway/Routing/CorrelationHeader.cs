using System.Diagnostics;

namespace Shop.Gateway.Routing;

/// <summary>
/// Every answer names the W3C trace id of its request (the gateway joins a caller's traceparent, or
/// starts one) in <c>X-Correlation-ID</c>; the proxy passes the trace context on, so the same id is in
/// the logs and traces of every service the request touched, and on the events it appended.
/// </summary>
public static class CorrelationHeader
{
    public const string Name = "X-Correlation-ID";

    public static WebApplication UseCorrelationHeader(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[Name] = traceId;
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
