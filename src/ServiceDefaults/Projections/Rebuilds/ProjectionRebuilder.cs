using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine.Runtime;
using Wolverine.Runtime.Agents;

namespace Shop.ServiceDefaults.Projections.Rebuilds;

/// <summary>What a rebuild of one projection works on: its read model's type, its live shard and table, and the ones beside them.</summary>
public sealed record RebuildTarget(string Projection, Type ReadModel, ShardName Live, ShardName Beside, string LiveTable, string BesideTable);

/// <summary>
/// Rebuilds an async projection without taking its read model away (blue/green): the projection is replayed from the
/// first event into the table beside the live one (<see cref="BesideStore"/>) while the live read model keeps
/// answering and keeping up; then, in one transaction, the documents of the streams that moved on meanwhile are
/// brought to exactly where the live shard is, and the rebuilt documents take the live ones' place. Readers see the
/// old read model until that commit and the new one after it, never an empty or an older one, and the live shard
/// goes on from where it was, so no event is applied twice or skipped. Only single-stream projections (a document
/// per stream, keyed by the stream's id) are rebuilt this way: every async projection of the shop is one.
/// </summary>
public sealed class ProjectionRebuilder(IDocumentStore store, BesideStore beside, IServiceProvider services, ILogger<ProjectionRebuilder> log)
{
    /// <summary>The progress row Marten keeps for the high-water mark, beside the shards' own.</summary>
    public const string HighWaterMark = "HighWaterMark";

    /// <summary>How long the switch waits for a lagging live shard to reach the rebuilt position before it moves it there.</summary>
    private static readonly TimeSpan CatchUpWithin = TimeSpan.FromSeconds(10);
    private const int SwitchAttempts = 20;

    public IReadOnlyList<ShardName> ShardsOf(string projection) => [.. store.Advanced.AllAsyncProjectionShardNames()
        .Where(s => string.Equals(s.Name, projection, StringComparison.OrdinalIgnoreCase))];

    public RebuildTarget TargetOf(string projection)
    {
        var live = ShardsOf(projection).Single();
        var next = beside.Store.Advanced.AllAsyncProjectionShardNames().Single(s => s.Name == live.Name);
        var type = ((StoreOptions)store.Options).Projections.AllAggregateTypes()
            .Single(t => ((StoreOptions)store.Options).Projections.AsyncShardsPublishingType(t).Any(s => s.Identity == live.Identity));
        return new RebuildTarget(
            live.Name,
            type,
            live,
            next,
            store.Options.FindOrResolveDocumentType(type).TableName.QualifiedName,
            ((IReadOnlyStoreOptions)beside.Store.Options).FindOrResolveDocumentType(type).TableName.QualifiedName);
    }

    /// <summary>The high-water mark: every event up to it is committed, so a rebuild started now goes that far.</summary>
    public async Task<long> HighWaterMarkAsync(CancellationToken ct) =>
        (await store.Advanced.AllProjectionProgress(token: ct)).FirstOrDefault(p => p.ShardName == HighWaterMark)?.Sequence ?? 0;

    /// <summary>How many events the rebuild has been through (the position of the shard beside the live one).</summary>
    public async Task<long> EventsDoneAsync(RebuildTarget target, long highWaterMark, CancellationToken ct) =>
        Math.Min(await PositionAsync(target.Beside, ct), highWaterMark);

    public async Task RebuildAsync(RebuildTarget target, CancellationToken ct)
    {
        // One rebuild of a projection at a time across every node: two would share the table beside.
        await using var exclusive = store.Storage.Database.CreateConnection();
        await exclusive.OpenAsync(ct);
        await AdvisoryLockAsync(exclusive, "pg_advisory_lock", target, ct);
        try
        {
            using (var daemon = await beside.Store.BuildProjectionDaemonAsync(logger: log))
            {
                await daemon.RebuildProjectionAsync(target.Projection, ct);
                await daemon.StopAllAsync();
            }

            var rebuilt = await PositionAsync(target.Beside, ct);
            await SwitchWithLiveShardStoppedAsync(target, rebuilt, ct);
        }
        finally
        {
            // A pooled connection keeps a session lock: it is let go explicitly.
            await AdvisoryLockAsync(exclusive, "pg_advisory_unlock", target, CancellationToken.None);
        }
    }

    /// <summary>
    /// Stops the live shard's agent for the switch when it runs on this node, so that no batch of it reads documents
    /// before the switch and writes them after; on another node, its batches wait for the switch's lock instead.
    /// </summary>
    private async Task SwitchWithLiveShardStoppedAsync(RebuildTarget target, long rebuilt, CancellationToken ct)
    {
        var runtime = services.GetRequiredService<IWolverineRuntime>();
        var family = services.GetServices<IAgentFamily>().OfType<EventSubscriptionAgentFamily>().Single();
        var agent = await family.FindAgentUriAsync(target.Live.Identity, null, ct);
        var local = agent is not null && runtime.Agents.AllRunningAgentUris().Contains(agent);
        if (local)
        {
            await runtime.Agents.StopLocallyAsync(agent!);
        }

        try
        {
            for (var attempt = 1; !await SwitchAsync(target, rebuilt, ct); attempt++)
            {
                if (attempt == SwitchAttempts)
                {
                    throw new TimeoutException($"{target.Projection} was rebuilt but could not take the live read model's place in {SwitchAttempts} attempts.");
                }
            }
        }
        finally
        {
            if (local)
            {
                await runtime.Agents.StartLocallyAsync(agent!);
            }
        }
    }

    /// <summary>
    /// Locks the live table against writes (reads go on, and see the old documents until the commit) and the live
    /// shard's progress row, so the live position stays put; recomputes into the table beside the documents of the
    /// streams with events between the rebuild's end and that position; then puts the rebuilt documents in the live
    /// table. A live shard still behind the rebuilt position (stalled, stopped, never started) is moved up to it, since
    /// the rebuilt documents hold every event to there. False when a lock could not be had in time: then try again.
    /// </summary>
    private async Task<bool> SwitchAsync(RebuildTarget target, long rebuilt, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + CatchUpWithin;
        while (await PositionAsync(target.Live, ct) < rebuilt && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, ct);
        }

        var schema = ((StoreOptions)store.Options).Events.DatabaseSchemaName;
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        try
        {
            await ExecuteAsync(connection, "set local lock_timeout = '5s'", ct);
            await ExecuteAsync(connection, $"lock table {target.LiveTable} in exclusive mode", ct);
            var live = await ScalarAsync(connection, $"select last_seq_id from {schema}.mt_event_progression where name = @name for update", target.Live.Identity, ct);
            var moved = live > rebuilt ? await StreamsMovedAsync(connection, schema, rebuilt, live, ct) : [];
            var catchUp = (IDocumentCatchUp)Activator.CreateInstance(typeof(DocumentCatchUp<>).MakeGenericType(target.ReadModel))!;
            await catchUp.WriteAsync(store, beside.Store, transaction, moved, ct);

            var columns = await ColumnsAsync(connection, target.LiveTable, ct);
            await ExecuteAsync(connection, $"delete from {target.LiveTable}", ct);
            await ExecuteAsync(connection, $"insert into {target.LiveTable} ({columns}) select {columns} from {target.BesideTable}", ct);
            if (live < rebuilt)
            {
                await using var ahead = new NpgsqlCommand(
                    $"""
                    insert into {schema}.mt_event_progression (name, last_seq_id, last_updated) values (@name, @seq, transaction_timestamp())
                    on conflict (name) do update set last_seq_id = excluded.last_seq_id, last_updated = excluded.last_updated
                    """,
                    connection);
                ahead.Parameters.AddWithValue("name", target.Live.Identity);
                ahead.Parameters.AddWithValue("seq", rebuilt);
                await ahead.ExecuteNonQueryAsync(ct);
            }

            // Done with beside until the next rebuild, which fills it afresh; its progress row would only look like a stalled shard.
            await ExecuteAsync(connection, $"delete from {target.BesideTable}", ct);
            await using (var progress = new NpgsqlCommand($"delete from {schema}.mt_event_progression where name = @name", connection))
            {
                progress.Parameters.AddWithValue("name", target.Beside.Identity);
                await progress.ExecuteNonQueryAsync(ct);
            }

            await transaction.CommitAsync(ct);
            log.LogInformation(
                "The rebuilt {Projection} (to event {Rebuilt}, {Moved} streams brought to {Live}) took the live one's place", target.Projection, rebuilt, moved.Count, live);
            return true;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.LockNotAvailable or PostgresErrorCodes.DeadlockDetected)
        {
            log.LogInformation("Switching to the rebuilt {Projection} met a lock ({Error}); trying again", target.Projection, e.MessageText);
            return false;
        }
    }

    /// <summary>Each stream with events after <paramref name="rebuilt"/> up to <paramref name="live"/>, with its version at <paramref name="live"/>.</summary>
    private static async Task<IReadOnlyList<(Guid Stream, long Version)>> StreamsMovedAsync(NpgsqlConnection connection, string schema, long rebuilt, long live, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"""
            select stream_id, max(version) from {schema}.mt_events
            where seq_id <= @live and stream_id in (select stream_id from {schema}.mt_events where seq_id > @rebuilt and seq_id <= @live)
            group by stream_id
            """,
            connection);
        command.Parameters.AddWithValue("rebuilt", rebuilt);
        command.Parameters.AddWithValue("live", live);
        var moved = new List<(Guid, long)>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            moved.Add((reader.GetGuid(0), reader.GetInt64(1)));
        }

        return moved;
    }

    /// <summary>Takes or lets go of the session lock that keys one projection's rebuild.</summary>
    private static async Task AdvisoryLockAsync(NpgsqlConnection connection, string function, RebuildTarget target, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select {function}(hashtext('shop rebuild ' || @name))", connection);
        command.Parameters.AddWithValue("name", target.LiveTable);
        await command.ExecuteScalarAsync(ct);
    }

    private async Task<long> PositionAsync(ShardName shard, CancellationToken ct) =>
        (await store.Advanced.AllProjectionProgress(token: ct)).FirstOrDefault(p => p.ShardName == shard.Identity)?.Sequence ?? 0;

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, string name, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync(ct) is long value ? value : 0;
    }

    /// <summary>The live table's columns: the table beside it was made from the same mapping and has them all.</summary>
    private static async Task<string> ColumnsAsync(NpgsqlConnection connection, string table, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            "select string_agg(quote_ident(attname), ', ' order by attnum) from pg_attribute where attrelid = @table::regclass and attnum > 0 and not attisdropped",
            connection);
        command.Parameters.AddWithValue("table", table);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}
