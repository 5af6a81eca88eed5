using Microsoft.AspNetCore.Builder;

namespace Shop.ServiceDefaults.Security;

public static class SecurityHeaders
{
    /// <summary>The gateway's API reference is the one page meant for a browser: it may run its own scripts and styles.</summary>
    private const string ApiReferencePage = "/docs";

    /// <summary>Headers an API answer should always carry: nothing here is meant for a browser to render or cache.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            // Set as the answer starts, replacing any copy a proxied service sent, so each appears once.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments(ApiReferencePage)
                    ? "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'"
                    : "default-src 'none'; frame-ancestors 'none'";
                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }
}
