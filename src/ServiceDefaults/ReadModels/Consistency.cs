using Marten;
using Microsoft.AspNetCore.Http;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.ReadModels;

/// <summary>A read model that records the version of the stream it reflects.</summary>
public interface IVersioned
{
    long Version { get; }
}

public static class Consistency
{
    private static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Loads an async read model, waiting (bounded) until it reflects at least <paramref name="minVersion"/>,
    /// so a client reading what it just wrote does not see the state from before its write. When the
    /// projection does not catch up in time the newest copy is returned; its version says how old it is.
    /// </summary>
    public static async Task<T?> LoadAtLeastAsync<T>(this IQuerySession session, Guid id, long minVersion, CancellationToken ct, TimeSpan? wait = null)
        where T : class, IVersioned
    {
        var deadline = DateTimeOffset.UtcNow + (wait ?? DefaultWait);
        var pause = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var model = await session.LoadAsync<T>(id, ct);
            if (minVersion <= 0 || (model is not null && model.Version >= minVersion) || DateTimeOffset.UtcNow >= deadline)
            {
                return model;
            }

            await Task.Delay(pause, ct);
            pause = TimeSpan.FromMilliseconds(Math.Min(pause.TotalMilliseconds * 2, 200));
        }
    }

    /// <summary>
    /// The answer to a GET of one read model: 200 with its ETag, after waiting for the version the
    /// caller names in X-Min-Version; 404 when it does not exist or (when it has an owner) belongs to
    /// someone other than the caller, unless the caller is an admin or auditor.
    /// </summary>
    /// <param name="knownToExist">The caller's token proves the resource exists (their own profile): wait for its first version too.</param>
    public static async Task<IResult> ReadAsync<T>(
        this IQuerySession session, Guid id, HttpContext http, string what, Func<T, Guid>? ownerOf = null, bool knownToExist = false)
        where T : class, IVersioned
    {
        var minVersion = Math.Max(http.Request.MinVersion(), knownToExist ? 1 : 0);
        var model = await session.LoadAtLeastAsync<T>(id, minVersion, http.RequestAborted);
        if (model is null || (ownerOf is not null && ownerOf(model) != http.User.UserId() && !http.User.IsAdminOrAuditor()))
        {
            return Problems.NotFound(what);
        }

        http.Response.SetETag(model.Version);
        return Results.Ok(model);
    }
}
