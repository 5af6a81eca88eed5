using Shop.Gateway.Console.Projections;
using Shop.Gateway.Console.Session;
using Shop.Gateway.Console.Shared;

namespace Shop.Gateway.Console;

/// <summary>
/// The operators' and auditors' console at /console: pages rendered on the server (Razor components, static
/// rendering), forms for every action, and htmx only to refresh a running rebuild in place.
/// </summary>
public static class ConsoleSetup
{
    public static IServiceCollection AddConsole(this IServiceCollection services)
    {
        services.AddRazorComponents();
        services.AddSingleton<IdentityTokens>();
        services.AddConsoleChallenges();
        return services;
    }

    /// <summary>Before authentication: the assets (the sign-in page needs them) and the session cookies turned into a bearer token.</summary>
    public static WebApplication UseConsole(this WebApplication app)
    {
        app.UseConsoleAssets();
        app.UseConsoleSession();
        return app;
    }

    public static WebApplication MapConsole(this WebApplication app)
    {
        app.MapRazorComponents<App>().WithMetadata(new ExcludeFromDescriptionAttribute());
        app.MapConsoleSession();
        app.MapConsoleActions();
        app.MapRebuildProgress();
        return app;
    }
}
