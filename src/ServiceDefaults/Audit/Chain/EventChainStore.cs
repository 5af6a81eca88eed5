using System.Data;
using Npgsql;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>Reads one schema's events, chain and checkpoints, and writes checkpoints, in plain SQL.</summary>
public sealed class EventChainStore(string connectionString, string schema)
{
    public string Schema => schema;

    /// <summary>
    /// The whole log as of one snapshot, so a concurrent append cannot look like a gap. A missing
    /// table reads as empty: without a chain table every event is reported as unchained.
    /// </summary>
    public async Task<EventLog> ReadAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

        var events = await RowsAsync(connection, "mt_events", $"""
            SELECT seq_id, stream_id, version, type, timestamp, tenant_id, mt_dotnet_type, user_name,
                   correlation_id, causation_id, headers::text, data::text
            FROM {schema}.mt_events e WHERE NOT ({EventChainTrigger.TombstoneShape("e")})
            """, r => new ChainedEvent(
            r.GetInt64(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.GetDateTime(4), Text(r, 5), Text(r, 6),
            Text(r, 7), Text(r, 8), Text(r, 9), Text(r, 10), r.GetString(11)), ct);
        var links = await RowsAsync(connection, EventChainSchema.ChainTable,
            $"SELECT seq_id, stream_id, version, previous, hash FROM {schema}.{EventChainSchema.ChainTable}",
            r => new ChainRow(r.GetInt64(0), r.GetGuid(1), r.GetInt64(2), r.IsDBNull(3) ? null : (byte[])r[3], (byte[])r[4]), ct);
        var streams = await RowsAsync(connection, "mt_streams", $"""
            SELECT s.id, s.version FROM {schema}.mt_streams s
            WHERE NOT EXISTS (SELECT 1 FROM {schema}.mt_events e WHERE e.stream_id = s.id AND {EventChainTrigger.TombstoneShape("e")})
            """,
            r => (Id: r.GetGuid(0), Version: r.GetInt64(1)), ct);
        var heads = (await RowsAsync(connection, EventChainSchema.HeadTable,
            $"SELECT checkpoint_id, stream_id, version, seq_id, hash FROM {schema}.{EventChainSchema.HeadTable}",
            r => (Checkpoint: r.GetInt64(0), Head: new StreamHead(r.GetGuid(1), r.GetInt64(2), r.GetInt64(3), (byte[])r[4])), ct))
            .ToLookup(h => h.Checkpoint, h => h.Head);
        var checkpoints = await RowsAsync(connection, EventChainSchema.CheckpointTable,
            $"SELECT id, taken_at, key_id, signature FROM {schema}.{EventChainSchema.CheckpointTable} ORDER BY id",
            r => new SignedCheckpoint(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), (byte[])r[3], [.. heads[r.GetInt64(0)]]), ct);

        return new EventLog(events, links, streams.ToDictionary(s => s.Id, s => s.Version), checkpoints);
    }

    /// <summary>The head of every chained stream.</summary>
    public async Task<IReadOnlyList<StreamHead>> HeadsAsync(NpgsqlConnection connection, CancellationToken ct) =>
        await RowsAsync(connection, EventChainSchema.ChainTable, $"""
            SELECT DISTINCT ON (stream_id) stream_id, version, seq_id, hash
            FROM {schema}.{EventChainSchema.ChainTable} ORDER BY stream_id, version DESC
            """, r => new StreamHead(r.GetGuid(0), r.GetInt64(1), r.GetInt64(2), (byte[])r[3]), ct);

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

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    /// <summary>The rows of a query on one table; none when the table does not exist.</summary>
    private async Task<List<T>> RowsAsync<T>(NpgsqlConnection connection, string table, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", connection);
        exists.Parameters.AddWithValue($"{schema}.{table}");
        if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
        {
            return [];
        }

        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
