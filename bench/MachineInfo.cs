using System.Runtime.InteropServices;
using Npgsql;

namespace Shop.Bench;

/// <summary>What the numbers were measured on.</summary>
public sealed record MachineInfo(string Cpu, int Cores, long MemoryGiB, string Os, string Runtime, string Postgres, DateTimeOffset At, bool Quick)
{
    public static async Task<MachineInfo> DescribeAsync(string postgres, bool quick)
    {
        await using var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var version = new NpgsqlCommand("show server_version", connection);
        return new MachineInfo(
            Field("/proc/cpuinfo", "model name", ':'),
            Environment.ProcessorCount,
            (long)Math.Round(long.Parse(Field("/proc/meminfo", "MemTotal", ':').Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) / 1024.0 / 1024.0),
            Field("/etc/os-release", "PRETTY_NAME", '=').Trim('"'),
            RuntimeInformation.FrameworkDescription,
            $"PostgreSQL {((string)(await version.ExecuteScalarAsync())!).Split(' ')[0]}",
            DateTimeOffset.UtcNow,
            quick);
    }

    public override string ToString() =>
        $"{Cpu}, {Cores} cores, {MemoryGiB} GiB, {Os}, {Runtime}, {Postgres}";

    private static string Field(string file, string name, char separator) =>
        File.ReadLines(file).Where(l => l.StartsWith(name, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(separator) + 1)..].Trim()).FirstOrDefault() ?? "unknown";
}
