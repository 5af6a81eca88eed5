using Marten;
using Marten.Services;
using Npgsql;

namespace Shop.ServiceDefaults.Projections.Rebuilds;

/// <summary>Brings documents in the table beside the live one to given stream versions, inside the switch's transaction.</summary>
internal interface IDocumentCatchUp
{
    Task WriteAsync(IDocumentStore live, DocumentStore beside, NpgsqlTransaction transaction, IReadOnlyList<(Guid Stream, long Version)> streams, CancellationToken ct);
}

/// <summary>
/// Each document recomputed from its stream up to the version given, by the projection's own code (Marten aggregates
/// a stream live with the projection registered for the type), and written beside; a stream the projection makes no
/// document of has none there either.
/// </summary>
internal sealed class DocumentCatchUp<TDoc> : IDocumentCatchUp
    where TDoc : class
{
    public async Task WriteAsync(IDocumentStore live, DocumentStore beside, NpgsqlTransaction transaction, IReadOnlyList<(Guid Stream, long Version)> streams, CancellationToken ct)
    {
        if (streams.Count == 0)
        {
            return;
        }

        await using var events = live.QuerySession();
        await using var documents = beside.LightweightSession(SessionOptions.ForTransaction(transaction));
        foreach (var (stream, version) in streams)
        {
            if (await events.Events.AggregateStreamAsync<TDoc>(stream, version, token: ct) is { } document)
            {
                documents.Store(document);
            }
            else
            {
                documents.Delete<TDoc>(stream);
            }
        }

        await documents.SaveChangesAsync(ct);
    }
}
