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
    /// replica of the service is taking one right now. The transaction-scoped advisory lock is its first statement,
    /// so its snapshot is taken once the lock is held: a replica that gets the lock after another committed sees
    /// that checkpoint, and signs nothing twice.
    /// </summary>
    public async Task<bool> TakeAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(hashtext($1))", connection, transaction))
        {
            lockCommand.Parameters.AddWithValue($"{store.Schema}.event-checkpoint");
            if (!(bool)(await lockCommand.ExecuteScalarAsync(ct))!)
            {
                return false;
            }
        }

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
