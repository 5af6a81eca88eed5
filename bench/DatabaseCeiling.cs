using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Shop.Bench;

public sealed record DatabaseResults(double PgbenchTps, int Clients, int Scale, double Seconds);

/// <summary>
/// PostgreSQL's own ceiling on this machine: pgbench's simple-update workload (-N: an update, a
/// select and an insert per transaction) in the benchmark's database.
/// </summary>
public sealed partial class DatabaseCeiling(Sizes sizes, string postgres, string pgBin)
{
    private const int Clients = 8;

    public async Task<DatabaseResults> RunAsync()
    {
        var target = new NpgsqlConnectionStringBuilder(postgres);
        var environment = new Dictionary<string, string> { ["PGPASSWORD"] = target.Password ?? "" };
        string[] connection = ["-h", target.Host!, "-p", target.Port.ToString(CultureInfo.InvariantCulture), "-U", target.Username!];
        var pgbench = Path.Combine(pgBin, "pgbench");
        await Commands.CheckedAsync(pgbench, [.. connection, "-i", "-q", "-s", sizes.PgbenchScale.ToString(CultureInfo.InvariantCulture), target.Database!], environment);
        var run = await Commands.CheckedAsync(
            pgbench,
            [.. connection, "-N", "-c", Clients.ToString(CultureInfo.InvariantCulture), "-j", "2", "-T", ((int)sizes.PgbenchDuration.TotalSeconds).ToString(CultureInfo.InvariantCulture), target.Database!],
            environment);
        await Commands.CheckedAsync(pgbench, [.. connection, "-i", "-I", "d", target.Database!], environment);
        var tps = TpsLine().Match(run.Output);
        return tps.Success
            ? new DatabaseResults(double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture), Clients, sizes.PgbenchScale, sizes.PgbenchDuration.TotalSeconds)
            : throw new InvalidOperationException($"pgbench printed no tps: {run.Output}");
    }

    [GeneratedRegex(@"tps = ([0-9.]+)")]
    private static partial Regex TpsLine();
}
