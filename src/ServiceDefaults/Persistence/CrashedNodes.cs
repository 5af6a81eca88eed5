using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.ServiceDefaults.Hosting;
using Wolverine;
using Wolverine.Runtime;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>
/// Tells a crashed node from a slow one within seconds. Every process holds a PostgreSQL advisory
/// lock named after its Wolverine node for as long as it runs, and PostgreSQL frees it the moment the
/// process's connection dies. A node record whose lock is free and whose heartbeat has stopped is a
/// dead process's: it is deleted at once, so its projection agents and unfinished messages go to the
/// live nodes now rather than after <see cref="DeliveryGuarantees.CrashedNodeTimeout"/>. Both signs
/// are required: a live node that just lost its lock connection still beats, and takes the lock back
/// on the next round.
/// </summary>
internal sealed partial class CrashedNodes(IWolverineRuntime runtime, ShopSettings settings, ILogger<CrashedNodes> log) : BackgroundService
{
    /// <summary>The first key of every liveness lock; the second is the node id's hash.</summary>
    private const int LivenessLockSpace = 0x53686F70;

    /// <summary>Half a second between looks: the sooner a crash is seen, the sooner its agents run elsewhere.</summary>
    private static readonly TimeSpan Round = TimeSpan.FromMilliseconds(500);

    private NpgsqlDataSource? _database;

    private NpgsqlConnection? _lock;

    /// <summary>
    /// A heartbeat this late may be a stopped one: the heartbeat comes every HealthCheckPollingTime. A live node
    /// whose beat is late still holds its lock, so only both signs together remove a node.
    /// </summary>
    private TimeSpan Silence => runtime.Options.Durability.HealthCheckPollingTime;

    private Guid Me => runtime.Options.UniqueNodeId;

    /// <summary>
    /// Takes the lock before Wolverine registers this node (this service is registered, so started, first):
    /// a starting node's record without its lock looked dead, and was removed from under it.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (runtime.Options.Durability.Mode == DurabilityMode.Balanced)
        {
            _database = NpgsqlDataSource.Create(settings.Postgres);
            try
            {
                await HoldOwnLockAsync(_database, cancellationToken);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LogUnavailable(e.Message);
            }
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_database is not { } database)
        {
            return;
        }

        using var rounds = new PeriodicTimer(Round);
        try
        {
            do
            {
                try
                {
                    await RemoveDeadAsync(await HoldOwnLockAsync(database, stoppingToken), stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    // The database is away: the lock went with the connection and is taken again once it is back.
                    LogUnavailable(e.Message);
                    await DropOwnLockAsync();
                }
            }
            while (await rounds.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the lock goes with the connection.
        }

        await DropOwnLockAsync();
        await database.DisposeAsync();
    }

    /// <summary>The connection holding this node's lock, taken again when it was lost.</summary>
    private async Task<NpgsqlConnection> HoldOwnLockAsync(NpgsqlDataSource database, CancellationToken ct)
    {
        if (_lock is not null)
        {
            return _lock;
        }

        var connection = await database.OpenConnectionAsync(ct);
        await using var take = new NpgsqlCommand("select pg_advisory_lock(@space, hashtext(@node))", connection);
        take.Parameters.AddWithValue("space", LivenessLockSpace);
        take.Parameters.AddWithValue("node", Me.ToString());
        await take.ExecuteNonQueryAsync(ct);
        _lock = connection;
        return connection;
    }

    /// <summary>
    /// Runs on the lock's own connection: one statement a round instead of a liveness ping, a pooled
    /// connection and its reset, and a failure here is the sign that the lock went with the connection.
    /// </summary>
    private async Task RemoveDeadAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var silent = new List<(Guid Id, int Number)>();
        await using (var query = new NpgsqlCommand(
            $"select id, node_number from {settings.Schema}.wolverine_nodes where id <> @me and health_check < now() - @silence", connection))
        {
            query.Parameters.AddWithValue("me", Me);
            query.Parameters.AddWithValue("silence", Silence);
            await using var rows = await query.ExecuteReaderAsync(ct);
            while (await rows.ReadAsync(ct))
            {
                silent.Add((rows.GetGuid(0), rows.GetInt32(1)));
            }
        }

        var removed = false;
        foreach (var (id, number) in silent)
        {
            await using var probe = new NpgsqlCommand("select pg_try_advisory_lock(@space, hashtext(@node))", connection);
            probe.Parameters.AddWithValue("space", LivenessLockSpace);
            probe.Parameters.AddWithValue("node", id.ToString());
            if (await probe.ExecuteScalarAsync(ct) is not true)
            {
                continue;
            }

            try
            {
                await runtime.Storage.Nodes.DeleteAsync(id, number);
                removed = true;
                LogRemoved(number, id);
            }
            finally
            {
                await using var release = new NpgsqlCommand("select pg_advisory_unlock(@space, hashtext(@node))", connection);
                release.Parameters.AddWithValue("space", LivenessLockSpace);
                release.Parameters.AddWithValue("node", id.ToString());
                await release.ExecuteNonQueryAsync(ct);
            }
        }

        if (removed)
        {
            // A leadership and assignment round now, instead of at the next heartbeat: the dead node may have led.
            // Should it fail, the next heartbeat's round does the same.
            try
            {
                await runtime.Agents.KickstartHealthDetectionAsync();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRoundFailed(e);
            }
        }
    }

    private async Task DropOwnLockAsync()
    {
        if (_lock is not null)
        {
            await _lock.DisposeAsync();
            _lock = null;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Node {Number} ({Node}) has stopped: its process is gone and its heartbeat silent. Its record is removed so its agents and messages move to a live node now.")]
    private partial void LogRemoved(int number, Guid node);

    [LoggerMessage(LogLevel.Warning, "The assignment round after removing a stopped node failed; the next heartbeat runs one")]
    private partial void LogRoundFailed(Exception e);

    [LoggerMessage(LogLevel.Debug, "Crashed-node check skipped: {Reason}")]
    private partial void LogUnavailable(string reason);
}
