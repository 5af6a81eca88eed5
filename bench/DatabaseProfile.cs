using System.Text.RegularExpressions;
using Npgsql;

namespace Shop.Bench;

public sealed record TableWrites(string Table, double RowsPerOrder);

public sealed record ActiveStatement(string Statement, string WaitingOn, double Share);

/// <param name="WalFlushesPerOrder">
/// Write-ahead log flushes (<c>pg_stat_wal.wal_sync</c>, the whole server) per order: what a durable
/// commit waits for. Read-only transactions count as commits but flush nothing; concurrent commits can share one flush.
/// </param>
public sealed record DatabaseWork(double CommitsPerOrder, double WalFlushesPerOrder, IReadOnlyList<TableWrites> Writes, IReadOnlyList<ActiveStatement> Statements);

/// <summary>
/// Where the database's work goes while orders run: commits and rows written per table (the
/// cumulative statistics of pg_stat_database and pg_stat_user_tables, before and after), and which
/// statements the shop's connections are running, sampled from pg_stat_activity every 50 ms
/// (pg_stat_statements would need a server restart to load).
/// </summary>
public sealed partial class DatabaseProfile(string postgres) : IAsyncDisposable
{
    private const int Top = 12;
    private static readonly TimeSpan SampleEvery = TimeSpan.FromMilliseconds(50);

    private readonly CancellationTokenSource stop = new();
    private readonly Dictionary<(string Statement, string Wait), int> seen = [];
    private Task? sampler;
    private long commitsBefore;
    private long flushesBefore;
    private Dictionary<string, long> writesBefore = [];
    private int samples;

    public async Task StartAsync()
    {
        commitsBefore = await CommitsAsync();
        flushesBefore = await WalFlushesAsync();
        writesBefore = await WritesAsync();
        sampler = SampleAsync(stop.Token);
    }

    public async Task<DatabaseWork> StopAsync(int orders)
    {
        await stop.CancelAsync();
        await sampler!;
        // Backends report their counters about a second after their last transaction.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        // Each sample was a transaction of its own; they are the benchmark's, not the shop's.
        var commits = await CommitsAsync() - commitsBefore - samples;
        var flushes = await WalFlushesAsync() - flushesBefore;
        var writes = await WritesAsync();
        var perOrder = Math.Max(1, orders);
        var sampled = Math.Max(1, seen.Values.Sum());
        return new DatabaseWork(
            commits / (double)perOrder,
            flushes / (double)perOrder,
            [.. writes.Select(w => new TableWrites(w.Key, (w.Value - writesBefore.GetValueOrDefault(w.Key)) / (double)perOrder))
                .Where(w => w.RowsPerOrder > 0)
                .OrderByDescending(w => w.RowsPerOrder)
                .Take(Top)],
            [.. seen.OrderByDescending(s => s.Value).Take(Top)
                .Select(s => new ActiveStatement(s.Key.Statement, s.Key.Wait, s.Value / (double)sampled))]);
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        stop.Dispose();
    }

    private async Task SampleAsync(CancellationToken cancellation)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(cancellation);
        await using var command = new NpgsqlCommand(
            """
            select query, coalesce(wait_event_type || ':' || wait_event, 'on CPU') from pg_stat_activity
            where datname = current_database() and state = 'active' and pid <> pg_backend_pid()
            """,
            connection);
        using var timer = new PeriodicTimer(SampleEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellation))
            {
                samples++;
                await using var reader = await command.ExecuteReaderAsync(cancellation);
                while (await reader.ReadAsync(cancellation))
                {
                    var key = (Shorten(reader.GetString(0)), reader.GetString(1));
                    seen[key] = seen.GetValueOrDefault(key) + 1;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The measured load is over.
        }
    }

    /// <summary>One line, cut to a length that still tells the shop's statements apart.</summary>
    private static string Shorten(string query)
    {
        var line = Whitespace().Replace(query, " ").Trim();
        return line.Length <= 110 ? line : line[..110] + "…";
    }

    private async Task<long> CommitsAsync()
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select xact_commit from pg_stat_database where datname = current_database()", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> WalFlushesAsync()
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select wal_sync from pg_stat_wal", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Dictionary<string, long>> WritesAsync()
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select schemaname || '.' || relname, n_tup_ins + n_tup_upd + n_tup_del from pg_stat_user_tables",
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        var writes = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            writes[reader.GetString(0)] = reader.GetInt64(1);
        }

        return writes;
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
