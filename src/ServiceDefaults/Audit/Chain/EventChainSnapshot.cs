using System.Runtime.CompilerServices;
using Npgsql;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>
/// One schema's event log, chain and checkpoints read in one repeatable-read transaction. The events come as a
/// stream, a stream at a time in version order, each with its own chain row; only stream records, chain rows
/// without events and one checkpoint's heads at a time are held in memory.
/// </summary>
public sealed class EventChainSnapshot(NpgsqlConnection connection, NpgsqlTransaction transaction, string schema) : IAsyncDisposable
{
    private string Events => $"{schema}.mt_events";

    private string Chain => $"{schema}.{EventChainSchema.ChainTable}";

    public async Task<long> CountEventsAsync(CancellationToken ct) =>
        !await ExistsAsync("mt_events", ct) ? 0 : (long)(await ScalarAsync($"SELECT count(*) FROM {Events} e WHERE NOT ({EventChainTrigger.TombstoneShape("e")})", ct))!;

    /// <summary>Every stream record's version (a stream erased by a tombstone has none).</summary>
    public async Task<Dictionary<Guid, long>> StreamRecordsAsync(CancellationToken ct)
    {
        var records = new Dictionary<Guid, long>();
        if (!await ExistsAsync("mt_streams", ct))
        {
            return records;
        }

        await foreach (var (id, version) in RowsAsync($"""
            SELECT s.id, s.version FROM {schema}.mt_streams s
            WHERE NOT EXISTS (SELECT 1 FROM {Events} e WHERE e.stream_id = s.id AND {EventChainTrigger.TombstoneShape("e")})
            """, r => (r.GetGuid(0), r.GetInt64(1)), ct))
        {
            records[id] = version;
        }

        return records;
    }

    /// <summary>The chain rows whose event is gone: none in an intact log.</summary>
    public async Task<List<ChainRow>> OrphanedRowsAsync(CancellationToken ct)
    {
        var orphans = new List<ChainRow>();
        if (!await ExistsAsync(EventChainSchema.ChainTable, ct))
        {
            return orphans;
        }

        await foreach (var row in RowsAsync($"""
            SELECT c.seq_id, c.stream_id, c.version, c.previous, c.hash FROM {Chain} c
            WHERE NOT EXISTS (SELECT 1 FROM {Events} e WHERE e.seq_id = c.seq_id AND NOT ({EventChainTrigger.TombstoneShape("e")}))
            """, Row, ct))
        {
            orphans.Add(row);
        }

        return orphans;
    }

    /// <summary>Every event with its own chain row (null when it has none), ordered by stream, then version, then sequence.</summary>
    public async IAsyncEnumerable<(ChainedEvent Event, ChainRow? Link)> EventsAsync([EnumeratorCancellation] CancellationToken ct)
    {
        if (!await ExistsAsync("mt_events", ct))
        {
            yield break;
        }

        var chained = await ExistsAsync(EventChainSchema.ChainTable, ct);
        var link = chained
            ? $"c.seq_id, c.stream_id, c.version, c.previous, c.hash FROM {Events} e LEFT JOIN {Chain} c ON c.seq_id = e.seq_id"
            : $"NULL::bigint, NULL::uuid, NULL::bigint, NULL::bytea, NULL::bytea FROM {Events} e";
        var sql = $"""
            SELECT e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.tenant_id, e.mt_dotnet_type, e.user_name,
                   e.correlation_id, e.causation_id, e.headers::text, e.data::text, {link}
            WHERE NOT ({EventChainTrigger.TombstoneShape("e")})
            ORDER BY e.stream_id, e.version, e.seq_id
            """;
        await foreach (var row in RowsAsync(sql, r => (
            new ChainedEvent(r.GetInt64(0), r.GetGuid(1), r.GetInt64(2), r.GetString(3), r.GetDateTime(4), Text(r, 5), Text(r, 6),
                Text(r, 7), Text(r, 8), Text(r, 9), Text(r, 10), r.GetString(11)),
            r.IsDBNull(12) ? null : new ChainRow(r.GetInt64(12), r.GetGuid(13), r.GetInt64(14), r.IsDBNull(15) ? null : (byte[])r[15], (byte[])r[16])), ct))
        {
            yield return row;
        }
    }

    /// <summary>The checkpoints, oldest first, without their heads.</summary>
    public async Task<List<SignedCheckpoint>> CheckpointsAsync(CancellationToken ct)
    {
        var checkpoints = new List<SignedCheckpoint>();
        if (!await ExistsAsync(EventChainSchema.CheckpointTable, ct))
        {
            return checkpoints;
        }

        await foreach (var checkpoint in RowsAsync(
            $"SELECT id, taken_at, key_id, signature FROM {schema}.{EventChainSchema.CheckpointTable} ORDER BY id",
            r => new SignedCheckpoint(r.GetInt64(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), (byte[])r[3], []), ct))
        {
            checkpoints.Add(checkpoint);
        }

        return checkpoints;
    }

    /// <summary>One checkpoint's heads, each with what the log holds for it today.</summary>
    public async Task<List<HeadToday>> HeadsTodayAsync(long checkpoint, CancellationToken ct)
    {
        var heads = new List<HeadToday>();
        await using var command = new NpgsqlCommand($"""
            SELECT h.stream_id, h.version, h.seq_id, h.hash, last.version,
                   EXISTS (SELECT 1 FROM {Chain} c WHERE c.stream_id = h.stream_id AND c.version = h.version AND c.seq_id = h.seq_id AND c.hash = h.hash),
                   (SELECT c.seq_id FROM {Chain} c WHERE c.stream_id = h.stream_id AND c.version = last.version + 1 LIMIT 1)
            FROM {schema}.{EventChainSchema.HeadTable} h
            LEFT JOIN LATERAL (
                SELECT max(e.version) AS version FROM {Events} e
                WHERE e.stream_id = h.stream_id AND NOT ({EventChainTrigger.TombstoneShape("e")})) last ON true
            WHERE h.checkpoint_id = $1
            ORDER BY h.stream_id
            """, connection, transaction);
        command.Parameters.AddWithValue(checkpoint);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            heads.Add(new HeadToday(
                new StreamHead(reader.GetGuid(0), reader.GetInt64(1), reader.GetInt64(2), (byte[])reader[3]),
                reader.IsDBNull(4) ? null : reader.GetInt64(4),
                reader.GetBoolean(5),
                reader.IsDBNull(6) ? null : reader.GetInt64(6)));
        }

        return heads;
    }

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    private static ChainRow Row(NpgsqlDataReader r) => new(r.GetInt64(0), r.GetGuid(1), r.GetInt64(2), r.IsDBNull(3) ? null : (byte[])r[3], (byte[])r[4]);

    private static string? Text(NpgsqlDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);

    private async Task<bool> ExistsAsync(string table, CancellationToken ct) =>
        (bool)(await ScalarAsync($"SELECT to_regclass('{schema}.{table}') IS NOT NULL", ct))!;

    private async Task<object?> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteScalarAsync(ct);
    }

    private async IAsyncEnumerable<T> RowsAsync<T>(string sql, Func<NpgsqlDataReader, T> read, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            yield return read(reader);
        }
    }
}
