using System.Reflection;
using Marten;
using Wolverine;

namespace Shop.ServiceDefaults.Hosting;

/// <summary>What a service tells the defaults about itself.</summary>
public sealed class ShopService
{
    /// <summary>Short lowercase name: Wolverine service name, PostgreSQL schema, meter suffix.</summary>
    public required string Name { get; init; }

    /// <summary>The assembly holding the service's handlers and endpoints (usually typeof(Program).Assembly).</summary>
    public required Assembly ApplicationAssembly { get; init; }

    /// <summary>Projections, event types and documents of the service.</summary>
    public Action<StoreOptions> Marten { get; init; } = _ => { };

    /// <summary>Message routing (exchanges, queues) and anything else service-specific.</summary>
    public Action<WolverineOptions> Wolverine { get; init; } = _ => { };
}
