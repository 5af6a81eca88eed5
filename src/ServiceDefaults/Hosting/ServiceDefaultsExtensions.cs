using System.Text.Json.Serialization;
using JasperFx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Audit.Chain;
using Shop.ServiceDefaults.DeadLetters;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.Health;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Nodes;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Persistence;
using Shop.ServiceDefaults.Projections;
using Shop.ServiceDefaults.Projections.Rebuilds;
using Shop.ServiceDefaults.Security;
using Shop.ServiceDefaults.Telemetry;
using Wolverine.Http;

namespace Shop.ServiceDefaults.Hosting;

public static class ServiceDefaultsExtensions
{
    /// <summary>Everything a Shop service host has in common: the web basics, plus Marten and Wolverine.</summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, ShopService service)
    {
        var settings = ShopSettings.From(builder.Configuration, builder.Environment, service.Name);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(service);
        builder.AddWebDefaults(service.Name);
        builder.Services.AddShopHealthChecks();
        builder.Services.AddHostedService<DatabaseRoleGuard>();
        builder.AddMartenAndWolverine(service, settings);
        builder.Services.AddProjectionLag();
        builder.Services.AddProjectionRebuilds();
        builder.AddEventChain(settings);
        return builder;
    }

    /// <summary>What every Shop web host does, the gateway included: telemetry, JSON logs, errors, tokens.</summary>
    public static WebApplicationBuilder AddWebDefaults(this WebApplicationBuilder builder, string name)
    {
        builder.AddJitProfile(name);
        builder.WebHost.ConfigureKestrel(o =>
        {
            // Shop's requests are small JSON documents: anything bigger is refused with 413 before it is read.
            o.Limits.MaxRequestBodySize = builder.Configuration.GetValue("Shop:MaxRequestBodyBytes", 64 * 1024);
            o.AddServerHeader = false;
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddJsonLogging();
        builder.AddShopTelemetry(name);
        builder.Services.AddShopProblemDetails();
        builder.Services.AddHealthChecks();
        builder.AddJwtValidation();
        builder.Services.AddShopOpenApi(name);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            // Numbers are JSON numbers: "2" for a quantity is a 400, not quietly read as 2.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        return builder;
    }

    /// <summary>Error handling, headers, authentication, health and metrics, in the order the pipeline needs.</summary>
    public static WebApplication UseWebDefaults(this WebApplication app)
    {
        app.UseShopErrorHandling();
        app.UseSecurityHeaders();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealthEndpoints();
        app.MapMetricsEndpoint();
        app.MapShopOpenApi();
        return app;
    }

    /// <summary>The web defaults plus idempotency keys, history, projection and dead-letter admin and the service's Wolverine endpoints.</summary>
    public static WebApplication MapServiceDefaults(this WebApplication app, Action<WolverineHttpOptions>? http = null)
    {
        app.UseWebDefaults();
        app.UseIdempotencyKeys();
        app.MapAuditEndpoints();
        app.MapCorrelationEndpoints();
        app.MapAuditVerifyEndpoints();
        app.MapProjectionAdminEndpoints();
        app.MapNodeAdminEndpoints();
        app.MapDeadLetterEndpoints();
        app.MapWolverineEndpoints(o =>
        {
            o.MapConcurrencyFailuresToConflict();
            o.RejectUnparseableQueryValues = true;
            http?.Invoke(o);
        });
        return app;
    }

    /// <summary>Runs the host, or one of the operators' commands when arguments name one.</summary>
    /// <remarks>
    /// A plain start skips the command line: finding the commands scans every referenced assembly (and
    /// prints a line for each) on the cores the start itself needs.
    /// </remarks>
    public static async Task<int> RunServiceAsync(this WebApplication app, string[] args)
    {
        if (args.Length > 0)
        {
            return await app.RunJasperFxCommands(args);
        }

        await app.RunAsync();
        return 0;
    }
}
