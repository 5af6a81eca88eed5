using System.Diagnostics;
using Npgsql;

namespace Shop.Bench;

public sealed record RebuildResults(
    long Events,
    long Streams,
    double SeedSeconds,
    double CommandSeconds,
    double CommandStartSeconds,
    double RebuildEventsPerSecond,
    double ScanSeconds,
    double ScanEventsPerSecond,
    long DocumentsWritten,
    double AuditSeconds,
    double AuditEventsPerSecond,
    double AuditPeakMiB,
    bool AuditValid);

/// <summary>
/// Ordering's command line rebuilding the OrderDetails projection over at least a million events,
/// beside one raw read of the same events. The events are the ones the order load appended, copied
/// with new stream ids into a schema of their own (ordering_rebuild) until there are enough, so they
/// are exactly what the service writes; the running services never see that schema. The chain trigger
/// links them as they are copied, so <c>audit verify</c> then checks the same million events, under GNU
/// time for its peak memory.
/// </summary>
public sealed class ProjectionRebuild(Sizes sizes, string root, string postgres)
{
    private const string Source = "ordering";
    private const string Target = "ordering_rebuild";
    private const string Projection = "OrderDetails";

    public async Task<RebuildResults> RunAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(postgres);
        await CommandLineAsync("db-apply");
        var seed = Stopwatch.StartNew();
        var (events, streams) = await SeedAsync(dataSource);
        seed.Stop();
        Console.WriteLine($"  {events} events in {streams} orders seeded in {seed.Elapsed.TotalSeconds:F1} s");

        var start = await CommandLineAsync("projections", "list");
        var rebuild = await CommandLineAsync("projections", "rebuild", "-p", Projection);
        var documents = await ScalarAsync(dataSource, $"select count(*) from {Target}.mt_doc_{Projection.ToLowerInvariant()}");
        Console.WriteLine($"  rebuild: {rebuild.Elapsed.TotalSeconds:F1} s ({start.Elapsed.TotalSeconds:F1} s of it starting the command line)");

        var audit = await Commands.CheckedAsync(
            "/usr/bin/time", ["-f", "peak-kib %M", "dotnet", Path.Combine(Binaries, "Shop.Ordering.dll"), "audit", "verify"], Environment, Binaries);
        var peakKiB = long.Parse(audit.Errors.Split('\n').Last(l => l.StartsWith("peak-kib ", StringComparison.Ordinal))["peak-kib ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var valid = audit.Output.Contains("\"valid\":true", StringComparison.Ordinal);
        Console.WriteLine($"  audit verify: {audit.Elapsed.TotalSeconds:F1} s, peak {peakKiB / 1024.0:F0} MiB, valid {valid}");

        var scan = Stopwatch.StartNew();
        var scanned = await ScanAsync(dataSource);
        scan.Stop();
        await ExecuteAsync(dataSource, $"drop schema {Target} cascade");
        return new RebuildResults(
            events,
            streams,
            seed.Elapsed.TotalSeconds,
            rebuild.Elapsed.TotalSeconds,
            start.Elapsed.TotalSeconds,
            events / rebuild.Elapsed.TotalSeconds,
            scan.Elapsed.TotalSeconds,
            scanned / scan.Elapsed.TotalSeconds,
            documents,
            audit.Elapsed.TotalSeconds,
            events / audit.Elapsed.TotalSeconds,
            peakKiB / 1024.0,
            valid);
    }

    /// <summary>Copies the order streams and their events as many times as it takes, each copy under new stream ids (also inside the event data).</summary>
    private async Task<(long Events, long Streams)> SeedAsync(NpgsqlDataSource dataSource)
    {
        var perCopy = await ScalarAsync(dataSource, $"select count(*) from {Source}.mt_events");
        if (perCopy == 0)
        {
            throw new InvalidOperationException("the order load appended no events to copy");
        }

        var copies = (int)Math.Ceiling(sizes.RebuildEvents / (double)perCopy);
        var streamColumns = await ColumnsAsync(dataSource, "mt_streams");
        var eventColumns = await ColumnsAsync(dataSource, "mt_events");
        const string newStream = "md5(e.stream_id::text || g)::uuid";
        var streamValues = streamColumns.Select(c => c == "id" ? "md5(e.id::text || g)::uuid" : $"e.{c}");
        var eventValues = eventColumns.Select(c => c switch
        {
            // Evaluated after the ORDER BY, so the copies keep the original order of events.
            "seq_id" => $"nextval('{Target}.mt_events_sequence')",
            "id" => "gen_random_uuid()",
            "stream_id" => newStream,
            "data" => $"replace(e.data::text, e.stream_id::text, ({newStream})::text)::jsonb",
            _ => $"e.{c}",
        });
        await ExecuteAsync(dataSource, $"""
            insert into {Target}.mt_streams ({string.Join(", ", streamColumns)})
            select {string.Join(", ", streamValues)} from {Source}.mt_streams e cross join generate_series(1, {copies}) g;
            insert into {Target}.mt_events ({string.Join(", ", eventColumns)})
            select {string.Join(", ", eventValues)} from {Source}.mt_events e cross join generate_series(1, {copies}) g order by g, e.seq_id;
            analyze {Target}.mt_events;
            """);
        return (await ScalarAsync(dataSource, $"select count(*) from {Target}.mt_events"), await ScalarAsync(dataSource, $"select count(*) from {Target}.mt_streams"));
    }

    /// <summary>Reads every event in order, as a projection would, and touches its data.</summary>
    private static async Task<long> ScanAsync(NpgsqlDataSource dataSource)
    {
        await using var command = dataSource.CreateCommand($"select seq_id, stream_id, version, type, data::text from {Target}.mt_events order by seq_id");
        await using var reader = await command.ExecuteReaderAsync();
        long rows = 0;
        while (await reader.ReadAsync())
        {
            rows++;
            _ = reader.GetString(3);
            _ = reader.GetString(4);
        }

        return rows;
    }

    private string Binaries => Path.Combine(root, "src", "Ordering", "bin", "Release", "net10.0");

    private static Dictionary<string, string> Environment => new() { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Shop__Schema"] = Target };

    private Task<CommandResult> CommandLineAsync(params string[] arguments) =>
        Commands.CheckedAsync("dotnet", [Path.Combine(Binaries, "Shop.Ordering.dll"), .. arguments], Environment, Binaries);

    private static async Task<List<string>> ColumnsAsync(NpgsqlDataSource dataSource, string table)
    {
        await using var command = dataSource.CreateCommand(
            "select column_name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position");
        command.Parameters.Add(new NpgsqlParameter { Value = Source });
        command.Parameters.Add(new NpgsqlParameter { Value = table });
        await using var reader = await command.ExecuteReaderAsync();
        var columns = new List<string>();
        while (await reader.ReadAsync())
        {
            columns.Add(reader.GetString(0));
        }

        return columns;
    }

    private static async Task<long> ScalarAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync();
    }
}
