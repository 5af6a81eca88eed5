using Microsoft.AspNetCore.Builder;

namespace Shop.ServiceDefaults.Security;

public static class SecurityHeaders
{
    /// <summary>The gateway's API reference may run its own scripts and styles, inline ones included.</summary>
    private const string ApiReferencePage = "/docs";

    /// <summary>The console's pages load the shop's own stylesheet and script files only, and post forms only to the console.</summary>
    private const string ConsolePages = "/console";

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
                headers.ContentSecurityPolicy = context.Request.Path switch
                {
                    var path when path.StartsWithSegments(ApiReferencePage) =>
                        "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'",
                    var path when path.StartsWithSegments(ConsolePages) =>
                        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
                    _ => "default-src 'none'; frame-ancestors 'none'",
                };
                if (context.Request.Path.StartsWithSegments(ConsolePages))
                {
                    // What an operator saw stays off shared disks and the back button's cache.
                    headers.CacheControl = "no-store";
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
        return app;
    }
}
