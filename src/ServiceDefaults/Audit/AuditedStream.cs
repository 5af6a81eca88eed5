using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.ServiceDefaults.Audit;

/// <summary>An aggregate whose stream auditors, admins and its owner may read as history and as past states.</summary>
public interface IAuditedStream
{
    /// <summary>The URL segment of the resource, e.g. "users" for /users/{id}/history.</summary>
    string Route { get; }

    /// <summary>The aggregate's name on the command line, e.g. "user".</summary>
    string Name { get; }

    Type AggregateType { get; }

    /// <summary>The owner of the stream as it is now, or null when it does not exist or has no owner.</summary>
    Task<Guid?> OwnerAsync(IQuerySession session, Guid id, CancellationToken ct);

    /// <summary>The aggregate as it was at a version or instant; null when it did not exist then.</summary>
    Task<object?> StateAsync(IQuerySession session, Guid id, long version, DateTimeOffset? at, CancellationToken ct);
}

internal sealed class AuditedStream<T>(string route, string name, Func<T, Guid?> ownerOf) : IAuditedStream
    where T : class
{
    public string Route => route;

    public string Name => name;

    public Type AggregateType => typeof(T);

    public async Task<Guid?> OwnerAsync(IQuerySession session, Guid id, CancellationToken ct)
    {
        var current = await session.Events.AggregateStreamAsync<T>(id, token: ct);
        return current is null ? null : ownerOf(current);
    }

    public async Task<object?> StateAsync(IQuerySession session, Guid id, long version, DateTimeOffset? at, CancellationToken ct) =>
        await session.Events.AggregateStreamAsync<T>(id, version: version, timestamp: at, token: ct);
}

public static class AuditedStreamRegistration
{
    /// <summary>
    /// Makes the aggregate's history and past states available to its owner, admins and auditors;
    /// <paramref name="ownerOf"/> gives null for aggregates no customer owns.
    /// </summary>
    public static IServiceCollection AddAuditedStream<T>(this IServiceCollection services, string route, string name, Func<T, Guid?> ownerOf)
        where T : class =>
        services.AddSingleton<IAuditedStream>(new AuditedStream<T>(route, name, ownerOf));
}
