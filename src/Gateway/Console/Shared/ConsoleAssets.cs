using Microsoft.Extensions.FileProviders;

namespace Shop.Gateway.Console.Shared;

/// <summary>
/// The console's stylesheet and its one script library (htmx, vendored: the shop serves everything its pages need,
/// no CDN), built into the gateway's assembly so that they are there however the gateway is run or packaged.
/// </summary>
public static class ConsoleAssets
{
    private const string Path = "/console/assets";
    public const string Stylesheet = Path + "/console.css";
    public const string Htmx = Path + "/htmx-2.0.11.min.js";

    public static WebApplication UseConsoleAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = Path,
            FileProvider = new EmbeddedFileProvider(typeof(ConsoleAssets).Assembly, "Shop.Gateway.Console.Assets"),
            OnPrepareResponse = file =>
            {
                // Served ahead of the pipeline's security headers (the sign-in page needs them before anyone is signed in).
                file.Context.Response.Headers.CacheControl = "public, max-age=3600";
                file.Context.Response.Headers.XContentTypeOptions = "nosniff";
            },
        });
        return app;
    }
}
