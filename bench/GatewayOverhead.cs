using System.Globalization;
using System.Text.RegularExpressions;

namespace Shop.Bench;

public sealed record ReadRate(string Path, double RequestsPerSecond, double P50Ms, double P99Ms, long Errors);

/// <summary>
/// The same anonymous catalog read, through the gateway and straight to Inventory, driven by wrk
/// with the same threads and connections; the difference is what the gateway costs.
/// </summary>
public sealed partial class GatewayOverhead(Sizes sizes)
{
    private const int Connections = 16;

    public async Task<IReadOnlyList<ReadRate>> RunAsync() =>
    [
        await MeasureAsync("direct to Inventory", ShopApi.Inventory + "products"),
        await MeasureAsync("through the gateway", ShopApi.Gateway + "products"),
    ];

    private async Task<ReadRate> MeasureAsync(string path, string url)
    {
        // A short first run warms the JIT and the connection pools of both hops.
        await WrkAsync(url, TimeSpan.FromSeconds(2));
        var output = await WrkAsync(url, sizes.WrkDuration);
        var rate = new ReadRate(
            path,
            double.Parse(Single(RequestsLine(), output), CultureInfo.InvariantCulture),
            Milliseconds(Single(P50Line(), output)),
            Milliseconds(Single(P99Line(), output)),
            NonSuccessLine().Match(output) is { Success: true } errors ? long.Parse(errors.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
        Console.WriteLine($"  {path}: {rate.RequestsPerSecond:F0} requests/s, p99 {rate.P99Ms:F1} ms");
        return rate;
    }

    private static async Task<string> WrkAsync(string url, TimeSpan duration) =>
        (await Commands.CheckedAsync("wrk", ["-t", "2", "-c", Connections.ToString(CultureInfo.InvariantCulture), "-d", $"{(int)duration.TotalSeconds}s", "--latency", url])).Output;

    private static string Single(Regex pattern, string output) =>
        pattern.Match(output) is { Success: true } match ? match.Groups[1].Value : throw new InvalidOperationException($"unexpected wrk output: {output}");

    /// <summary>wrk prints latencies as e.g. 812.00us, 4.51ms or 1.02s.</summary>
    private static double Milliseconds(string value)
    {
        var unit = UnitSuffix().Match(value).Value;
        var number = double.Parse(value[..^unit.Length], CultureInfo.InvariantCulture);
        return unit switch
        {
            "us" => number / 1000,
            "ms" => number,
            "s" => number * 1000,
            "m" => number * 60_000,
            _ => throw new InvalidOperationException($"unknown unit in {value}"),
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsLine();

    [GeneratedRegex(@"^\s+50%\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex P50Line();

    [GeneratedRegex(@"^\s+99%\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex P99Line();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+([0-9]+)")]
    private static partial Regex NonSuccessLine();

    [GeneratedRegex("[a-z]+$")]
    private static partial Regex UnitSuffix();
}
