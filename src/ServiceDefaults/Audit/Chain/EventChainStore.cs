using System.Data;
using Npgsql;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>Reads one schema's events, chain and checkpoints, and writes checkpoints, in plain SQL.</summary>
public sealed class EventChainStore(string connectionString, string schema)
{
    public string Schema => schema;

    /// <summary>
    /// The log as of one snapshot, so that a concurrent append cannot look like a gap. A missing table reads as
    /// empty: without a chain table every event is reported as unchained.
    /// </summary>
    public async Task<EventChainSnapshot> SnapshotAsync(CancellationToken ct)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        return new EventChainSnapshot(connection, transaction, schema);
    }

    /// <summary>The head of every chained stream.</summary>
    public async Task<IReadOnlyList<StreamHead>> HeadsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT DISTINCT ON (stream_id) stream_id, version, seq_id, hash
            FROM {schema}.{EventChainSchema.ChainTable} ORDER BY stream_id, version DESC
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var heads = new List<StreamHead>();
        while (await reader.ReadAsync(ct))
        {
            heads.Add(new StreamHead(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), (byte[])reader[3]));
        }

        return heads;
    }

    /// <summary>The highest sequence the last checkpoint covered, 0 before the first.</summary>
    public async Task<long> LastCheckpointedSequenceAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT coalesce(max(h.seq_id), 0) FROM {schema}.{EventChainSchema.HeadTable} h
            WHERE h.checkpoint_id = (SELECT max(id) FROM {schema}.{EventChainSchema.CheckpointTable})
            """, connection);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }

    public async Task SaveCheckpointAsync(NpgsqlConnection connection, DateTimeOffset takenAt, string keyId, byte[] signature, IReadOnlyList<StreamHead> heads, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {schema}.{EventChainSchema.CheckpointTable} (taken_at, key_id, signature) VALUES ($1, $2, $3) RETURNING id", connection);
        insert.Parameters.AddWithValue(takenAt);
        insert.Parameters.AddWithValue(keyId);
        insert.Parameters.AddWithValue(signature);
        var id = (long)(await insert.ExecuteScalarAsync(ct))!;

        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {schema}.{EventChainSchema.HeadTable} (checkpoint_id, stream_id, version, seq_id, hash) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var head in heads)
        {
            await copy.WriteRowAsync(ct, id, head.StreamId, head.Version, head.Sequence, head.Hash);
        }

        await copy.CompleteAsync(ct);
    }
}
