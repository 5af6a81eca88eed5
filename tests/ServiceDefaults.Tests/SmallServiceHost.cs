using Marten;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Tests;

/// <summary>A service host made of the defaults alone, plus two endpoints to provoke errors.</summary>
public static class SmallServiceHost
{
    public static Task<IAlbaHost> StartAsync(Action<WebApplicationBuilder>? adjust = null, Action<StoreOptions>? marten = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.WebHost.UseSetting("Shop:Schema", "defaults_tests");
        builder.WebHost.UseSetting("Logging:LogLevel:Default", "Warning");
        adjust?.Invoke(builder);
        builder.AddServiceDefaults(new ShopService
        {
            Name = "defaults",
            ApplicationAssembly = typeof(SmallServiceHost).Assembly,
            Marten = marten ?? (_ => { }),
        });

        return AlbaHost.For(builder, app =>
        {
            app.MapServiceDefaults();
            app.MapGet("/boom", string () => throw new InvalidOperationException("secret internals")).AllowAnonymous();
            app.MapGet("/protected", () => Results.Ok("you are in"));
            app.MapGet("/race", string () => throw new JasperFx.ConcurrencyException(typeof(object), Guid.NewGuid())).AllowAnonymous();
        });
    }
}

public sealed class SmallServiceFixture : IAsyncLifetime
{
    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Host = await SmallServiceHost.StartAsync();

    public async ValueTask DisposeAsync() => await Host.DisposeAsync();
}
