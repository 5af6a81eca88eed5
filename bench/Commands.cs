using System.Diagnostics;

namespace Shop.Bench;

public sealed record CommandResult(int ExitCode, string Output, string Errors, TimeSpan Elapsed);

/// <summary>Runs the tools the benchmark drives (pgbench, wrk, run.sh, a service's command line) and captures what they print.</summary>
public static class Commands
{
    public static async Task<CommandResult> RunAsync(
        string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CommandResult(process.ExitCode, await output, await errors, clock.Elapsed);
    }

    public static async Task<CommandResult> CheckedAsync(
        string file, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var result = await RunAsync(file, arguments, environment, workingDirectory);
        return result.ExitCode == 0
            ? result
            : throw new InvalidOperationException($"{Path.GetFileName(file)} exited with {result.ExitCode}: {Tail(result.Errors + result.Output)}");
    }

    private static string Tail(string text) => text.Length <= 2000 ? text : text[^2000..];
}
