using Marten;

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
}
