using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.Projections.Rebuilds;

/// <summary>
/// The service's store as it would be with every async projection one version further on (Marten's projection
/// versioning): each read model then has a table beside the live one (<c>mt_doc_orderdetails_2</c> beside
/// <c>mt_doc_orderdetails</c>) and a progress row of its own, so a rebuild fills it from the first event while the live
/// read model keeps answering and keeping up. Only rebuilds use it; it runs no daemon of its own.
/// </summary>
public sealed class BesideStore(StoreOptions options) : IAsyncDisposable
{
    private readonly Lazy<DocumentStore> _store = new(() => new DocumentStore(options));

    public DocumentStore Store => _store.Value;

    /// <summary>The service's own configuration, with each async projection's version raised by one.</summary>
    public static StoreOptions Options(Action<StoreOptions> configure)
    {
        var options = new StoreOptions();
        configure(options);
        foreach (var projection in options.Projections.All.OfType<ProjectionBase>().Where(p => p.Lifecycle == ProjectionLifecycle.Async))
        {
            projection.OverwriteVersion(projection.Version + 1);
        }

        return options;
    }

    /// <summary>
    /// What the services add to their store from the container (upcasters that need the personal-data keys, say), so
    /// that the rebuild reads old events as the live projection does. Not Wolverine's integration: a rebuild sends no
    /// messages and its shards are no agents.
    /// </summary>
    public static void ConfigureLikeLive(IServiceProvider services, StoreOptions options)
    {
        foreach (var configure in services.GetServices<IConfigureMarten>()
            .Where(c => c.GetType().Assembly.GetName().Name?.StartsWith("Wolverine", StringComparison.Ordinal) != true))
        {
            configure.Configure(services, options);
        }
    }

    /// <summary>The document types the service's async projections write, each with a table beside the live one here.</summary>
    public static IReadOnlyList<Type> ReadModels(StoreOptions options) =>
        [.. options.Projections.AllAggregateTypes().Where(t => options.Projections.AsyncShardsPublishingType(t).Length > 0)];

    public ValueTask DisposeAsync() => _store.IsValueCreated ? _store.Value.DisposeAsync() : ValueTask.CompletedTask;
}
