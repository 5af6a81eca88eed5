using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Hosting;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.ReadModels;

/// <summary>A read model that records the version of the stream it reflects.</summary>
public interface IVersioned
{
    long Version { get; }
}

/// <summary>
/// Reading one's own writes. A read may name what it must reflect: a stream version (X-Min-Version,
/// the ETag of a write) or a position in the service's event log (X-Consistency-Token, from any write
/// of the service). One resource the projection has not reached is built from its events; a list waits,
/// bounded, until the projection has passed the token. When what is named is not there in time, the
/// newest copy is answered and its version says how old it is.
/// </summary>
public static class Consistency
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Waits until the projection that builds <typeparamref name="T"/> has passed the position the
    /// request's consistency token names. Null when it has (or no token was sent); a 400 answer for a
    /// token that is not one of this service's.
    /// </summary>
    public static async Task<IResult?> WaitForTokenAsync<T>(this IQuerySession session, HttpContext http)
    {
        var header = http.Request.Headers[ConsistencyTokens.Header].ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }

        var service = http.RequestServices.GetRequiredService<ShopService>().Name;
        if (ConsistencyTokens.Parse(header, service) is not { } position)
        {
            return Problems.BadRequest(ConsistencyTokens.Header, $"{ConsistencyTokens.Header} must be a token a write of this service ({service}) answered with.");
        }

        var store = session.DocumentStore;
        var shards = store.Advanced.AllAsyncProjectionShardNames().Where(s => s.Name == typeof(T).Name).ToList();
        if (shards.Count == 0)
        {
            throw new InvalidOperationException($"No async projection builds {typeof(T).Name}.");
        }

        await Until(async ct => await Reached(store, shards, position, ct), http.RequestAborted);
        return null;
    }

    /// <summary>
    /// The answer to a GET of one read model: 200 with its ETag, reflecting at least what the caller
    /// names (a stream the projection has not reached yet is built from its events); 404 when it does
    /// not exist or (when it has an owner) belongs to someone other than the caller, unless the caller
    /// is an admin or auditor; 400 for a header that names nothing. A client that names the version it has
    /// (<c>If-None-Match</c>) gets a 304 while that is still the current one, after waiting for a newer one
    /// as long as it asked (<c>Prefer: wait=N</c>).
    /// </summary>
    /// <param name="knownToExist">The caller's token proves the resource exists (their own profile): wait for its first version too.</param>
    public static async Task<IResult> ReadAsync<T>(
        this IQuerySession session, Guid id, HttpContext http, string what, Func<T, Guid>? ownerOf = null, bool knownToExist = false)
        where T : class, IVersioned
    {
        if (http.Request.MinVersion() is not { } asked)
        {
            return Problems.BadRequest(Versions.MinVersionHeader, $"{Versions.MinVersionHeader} must be an ETag a write answered with (\"3\") or its number (3).");
        }

        if (await session.WaitForTokenAsync<T>(http) is { } problem)
        {
            return problem;
        }

        // A client that has a version has no use for an older one.
        var has = http.Request.NamedVersions();
        var minVersion = Math.Max(Math.Max(asked, has.Newest), knownToExist ? 1 : 0);
        // Marten builds from events on a document session only; this one writes nothing, and opens a connection
        // only when it is asked.
        await using var events = session.DocumentStore.LightweightSession();
        var model = await LoadAsync<T>(session, events, id, minVersion, http.RequestAborted);
        if (model is null || (ownerOf is not null && ownerOf(model) != http.User.UserId() && !http.User.IsAdminOrAuditor()))
        {
            return Problems.NotFound(what);
        }

        if (has.Has(model.Version))
        {
            var wait = http.Request.Wait();
            if (wait > TimeSpan.Zero && http.RequestServices.GetService<StreamChanges>() is { } changes)
            {
                http.Response.SetWaitApplied(wait);
                if (await changes.PassedAsync(id, model.Version, wait, http.RequestAborted))
                {
                    model = await LoadAsync<T>(session, events, id, model.Version + 1, http.RequestAborted) ?? model;
                }
            }

            if (has.Has(model.Version))
            {
                http.Response.SetETag(model.Version);
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }
        }

        http.Response.SetETag(model.Version);
        return Results.Ok(model);
    }

    /// <summary>The read model at <paramref name="minVersion"/> or later if it comes in time, else the newest there is; null when there is none.</summary>
    private static async Task<T?> LoadAsync<T>(IQuerySession session, IDocumentSession events, Guid id, long minVersion, CancellationToken cancellation)
        where T : class, IVersioned
    {
        T? model = null;
        await Until(
            async ct =>
            {
                model = await session.LoadAsync<T>(id, ct);
                if (model is null || model.Version < minVersion)
                {
                    // Not projected yet, or not this far (just written, or the daemon not yet running after a
                    // start): built from its events instead, so a read never waits for the projection to answer
                    // what a write acknowledged.
                    model = await events.Events.FetchLatest<T>(id, ct) ?? model;
                }

                return minVersion <= 0 || model?.Version >= minVersion;
            },
            cancellation);
        return model;
    }

    private static async Task<bool> Reached(IDocumentStore store, IEnumerable<ShardName> shards, long position, CancellationToken ct)
    {
        foreach (var shard in shards)
        {
            if (await store.Advanced.ProjectionProgressFor(shard, token: ct) < position)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Asks again until the condition holds or the wait is over. The daemon projects a commit within
    /// milliseconds, so the first looks come close together; a slower catch-up is asked about less often.
    /// </summary>
    private static async Task Until(Func<CancellationToken, Task<bool>> condition, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + DefaultWait;
        var pause = TimeSpan.FromMilliseconds(2);
        while (!await condition(ct) && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(pause, ct);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 1.5, 100));
        }
    }
}
