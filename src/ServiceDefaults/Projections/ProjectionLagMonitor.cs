using System.Diagnostics.Metrics;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Projections;

/// <summary>
/// Samples every few seconds how far each async projection is behind (events, and the age of the
/// oldest event it has not projected), how many messages wait in the outbox and how many are dead
/// letters, and publishes them as metrics (<c>shop_projection_events_behind</c>, <c>shop_projection_lag_seconds</c>, <c>shop_projection_stalled</c>, <c>shop_outbox_pending</c>,
/// <c>shop_dead_letters</c> at /metrics) and to the readiness check.
/// </summary>
public sealed partial class ProjectionLagMonitor : BackgroundService
{
    public const string MeterName = "Shop.Projections";

    private readonly IDocumentStore _store;
    private readonly ShopSettings _settings;
    private readonly ILogger<ProjectionLagMonitor> _log;
    private readonly TimeSpan _interval;

    public ProjectionLagMonitor(IDocumentStore store, ShopSettings settings, IConfiguration configuration, IMeterFactory meters, ILogger<ProjectionLagMonitor> log)
    {
        _store = store;
        _settings = settings;
        _log = log;
        _interval = TimeSpan.FromSeconds(configuration.GetValue("Projections:LagSampleSeconds", 5.0));
        Stalls = new StallWatch(TimeSpan.FromSeconds(configuration.GetValue("Projections:StallSeconds", 30.0)));
        var meter = meters.Create(MeterName);
        meter.CreateObservableGauge("shop.projection.events_behind", () => PerShard(s => s.EventsBehind), "{event}", "Events in the log the projection has not processed yet.");
        meter.CreateObservableGauge("shop.projection.lag", () => PerShard(s => s.SecondsBehind), "s", "Age of the oldest event the projection has not processed yet.");
        meter.CreateObservableGauge("shop.projection.stalled", () => PerShard(s => s.Stalled ? 1 : 0), null, "1 when events wait and the projection has not moved for longer than the stall threshold.");
        meter.CreateObservableGauge("shop.outbox.pending", () => Latest.OutboxPending, "{message}", "Messages stored in the outbox, not yet confirmed by the broker.");
        meter.CreateObservableGauge("shop.dead_letters", () => Latest.DeadLetters, "{message}", "Messages in the service's dead-letter store.");
    }

    public StallWatch Stalls { get; }

    public LagSample Latest { get; private set; } = LagSample.None;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var database = NpgsqlDataSource.Create(_settings.Postgres);
        using var timer = new PeriodicTimer(_interval);
        try
        {
            do
            {
                try
                {
                    Latest = await SampleAsync(database, stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
                {
                    LogUnavailable(e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task<LagSample> SampleAsync(NpgsqlDataSource database, CancellationToken ct)
    {
        var schema = _settings.Schema;
        var now = DateTimeOffset.UtcNow;
        var progress = (await _store.Advanced.AllProjectionProgress(token: ct)).ToDictionary(p => p.ShardName, p => p.Sequence);
        await using var connection = await database.OpenConnectionAsync(ct);
        var highest = await ScalarAsync(connection, $"select coalesce(max(seq_id), 0) from {schema}.mt_events", ct);
        var shards = new List<ShardLag>();
        foreach (var shard in _store.Advanced.AllAsyncProjectionShardNames())
        {
            var sequence = progress.GetValueOrDefault(shard.Identity);
            var behind = Math.Max(0, highest - sequence);
            var oldest = behind == 0 ? null : await OldestAfterAsync(connection, schema, sequence, ct);
            var seconds = oldest is { } at ? Math.Max(0, (now - at).TotalSeconds) : 0;
            shards.Add(new ShardLag(shard.Name, shard.Identity, sequence, behind, seconds, Stalls.Observe(shard.Identity, sequence, behind, now)));
        }

        var outbox = await ScalarAsync(connection, $"select count(*) from {schema}.wolverine_outgoing_envelopes", ct);
        var dead = await ScalarAsync(connection, $"select count(*) from {schema}.wolverine_dead_letters", ct);
        return new LagSample(shards, outbox, dead, now);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<DateTimeOffset?> OldestAfterAsync(NpgsqlConnection connection, string schema, long sequence, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select timestamp from {schema}.mt_events where seq_id > @sequence order by seq_id limit 1", connection);
        command.Parameters.AddWithValue("sequence", sequence);
        return await command.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
    }

    private IEnumerable<Measurement<T>> PerShard<T>(Func<ShardLag, T> value)
        where T : struct =>
        Latest.Shards.Select(s => new Measurement<T>(value(s), new KeyValuePair<string, object?>("projection", s.Projection)));

    [LoggerMessage(LogLevel.Debug, "Projection lag not sampled: {Reason}")]
    private partial void LogUnavailable(string reason);
}
