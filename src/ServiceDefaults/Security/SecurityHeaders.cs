using Microsoft.AspNetCore.Builder;

namespace Shop.ServiceDefaults.Security;

public static class SecurityHeaders
{
    /// <summary>Headers an API answer should always carry: nothing here is meant for a browser to render or cache.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
            await next(context);
        });
        return app;
    }
}
