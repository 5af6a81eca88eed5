using System.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>Takes signed checkpoints of every stream head.</summary>
public sealed class Checkpoints(EventChainStore store, CheckpointKeys keys, string connectionString, TimeProvider clock)
{
    /// <summary>
    /// Signs and stores the current heads; false when nothing was appended since the last checkpoint, or when another
    /// replica of the service is taking one right now. The advisory lock is taken before the transaction begins, so
    /// the transaction's snapshot (taken at its first read) comes after the lock is held: a replica that gets the lock
    /// after another committed sees that checkpoint, and signs nothing twice. (A lock taken inside a repeatable-read
    /// transaction would be that transaction's first statement, whose snapshot predates the lock.)
    /// </summary>
    public async Task<bool> TakeAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        // Not cancelled midway: a lock granted after a cancellation would stay with the pooled connection.
        if (!await AdvisoryLockAsync(connection, "pg_try_advisory_lock", CancellationToken.None))
        {
            return false;
        }

        try
        {
            return await SignHeadsAsync(connection, ct);
        }
        finally
        {
            await UnlockAsync(connection);
        }
    }

    private async Task<bool> SignHeadsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var heads = await store.HeadsAsync(connection, ct);
        if (heads.Count == 0 || heads.Max(h => h.Sequence) == await store.LastCheckpointedSequenceAsync(connection, ct))
        {
            return false;
        }

        var (keyId, key) = keys.Signing();
        using (key)
        {
            var takenAt = CheckpointSignature.Stored(clock.GetUtcNow());
            var signature = CheckpointSignature.Sign(key, store.Schema, takenAt, keyId, heads);
            await store.SaveCheckpointAsync(connection, takenAt, keyId, signature, heads, ct);
        }

        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>
    /// A pooled connection keeps session locks until its next use resets it, so the lock is let go here;
    /// a connection that broke took its lock with it (and a failure here must not hide the one that broke it).
    /// </summary>
    private async Task UnlockAsync(NpgsqlConnection connection)
    {
        if (connection.State != ConnectionState.Open)
        {
            return;
        }

        try
        {
            await AdvisoryLockAsync(connection, "pg_advisory_unlock", CancellationToken.None);
        }
        catch (NpgsqlException)
        {
            // Its session may still hold the lock: this physical connection is not handed out again.
            NpgsqlConnection.ClearPool(connection);
        }
    }

    /// <summary>Calls one of PostgreSQL's advisory lock functions on this service's checkpoint lock.</summary>
    private async Task<bool> AdvisoryLockAsync(NpgsqlConnection connection, string function, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {function}(hashtext($1))", connection);
        command.Parameters.AddWithValue($"{store.Schema}.event-checkpoint");
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <summary>Takes a checkpoint every <see cref="AuditSettings.CheckpointInterval"/> while the service runs.</summary>
public sealed partial class CheckpointSchedule(Checkpoints checkpoints, CheckpointKeys keys, AuditSettings settings, ILogger<CheckpointSchedule> logger)
    : BackgroundService
{
    /// <summary>A service without a signing key (outside Development) refuses to start rather than run unchecked.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        keys.Signing().Key.Dispose();
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(settings.CheckpointInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await checkpoints.TakeAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or IOException or InvalidOperationException)
            {
                // A missed checkpoint is retried at the next tick; the chain itself is unaffected.
                CheckpointFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking an event checkpoint failed")]
    private static partial void CheckpointFailed(ILogger logger, Exception exception);
}
