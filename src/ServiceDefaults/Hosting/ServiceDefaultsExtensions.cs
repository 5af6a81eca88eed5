using System.Text.Json.Serialization;
using JasperFx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Persistence;
using Shop.ServiceDefaults.Projections;
using Shop.ServiceDefaults.Security;
using Shop.ServiceDefaults.Telemetry;
using Wolverine.Http;

namespace Shop.ServiceDefaults.Hosting;

public static class ServiceDefaultsExtensions
{
    /// <summary>Everything a Shop service host has in common: telemetry, logs, health, errors, tokens, Marten and Wolverine.</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, ShopService service)
    {
        var settings = ShopSettings.From(builder.Configuration, builder.Environment, service.Name);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(service);

        builder.AddJsonLogging();
        builder.AddShopTelemetry(service.Name);
        builder.Services.AddShopProblemDetails();
        builder.Services.AddShopHealthChecks();
        builder.AddJwtValidation();
        builder.AddMartenAndWolverine(service, settings);

        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }

    /// <summary>Maps health, metrics and the service's Wolverine endpoints, in the order the pipeline needs.</summary>
    public static WebApplication MapServiceDefaults(this WebApplication app, Action<WolverineHttpOptions>? http = null)
    {
        app.UseShopErrorHandling();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseIdempotencyKeys();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapAuditEndpoints();
        app.MapProjectionAdminEndpoints();
        app.MapWolverineEndpoints(o =>
        {
            o.MapConcurrencyFailuresToConflict();
            http?.Invoke(o);
        });
        return app;
    }

    /// <summary>Runs the host, or one of the operators' commands when arguments name one.</summary>
    public static Task<int> RunServiceAsync(this WebApplication app, string[] args) => app.RunJasperFxCommands(args);
}
