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

    private static readonly TimeSpan Round = TimeSpan.FromSeconds(1);

    private NpgsqlConnection? _lock;

    /// <summary>A heartbeat this late is a stopped one: the heartbeat comes every HealthCheckPollingTime.</summary>
    private TimeSpan Silence => runtime.Options.Durability.HealthCheckPollingTime + TimeSpan.FromSeconds(1);

    private Guid Me => runtime.Options.UniqueNodeId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (runtime.Options.Durability.Mode != DurabilityMode.Balanced)
        {
            return;
        }

        await using var database = NpgsqlDataSource.Create(settings.Postgres);
        using var rounds = new PeriodicTimer(Round);
        try
        {
            do
            {
                try
                {
                    await HoldOwnLockAsync(database, stoppingToken);
                    await RemoveDeadAsync(database, stoppingToken);
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
    }

    private async Task HoldOwnLockAsync(NpgsqlDataSource database, CancellationToken ct)
    {
        if (_lock is not null)
        {
            await using var alive = new NpgsqlCommand("select 1", _lock);
            await alive.ExecuteScalarAsync(ct);
            return;
        }

        var connection = await database.OpenConnectionAsync(ct);
        await using var take = new NpgsqlCommand("select pg_advisory_lock(@space, hashtext(@node))", connection);
        take.Parameters.AddWithValue("space", LivenessLockSpace);
        take.Parameters.AddWithValue("node", Me.ToString());
        await take.ExecuteNonQueryAsync(ct);
        _lock = connection;
    }

    private async Task RemoveDeadAsync(NpgsqlDataSource database, CancellationToken ct)
    {
        await using var connection = await database.OpenConnectionAsync(ct);
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

    [LoggerMessage(LogLevel.Debug, "Crashed-node check skipped: {Reason}")]
    private partial void LogUnavailable(string reason);
}
