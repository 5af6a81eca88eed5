using System.Diagnostics;

namespace Shop.Testing;

/// <summary>Runs a service's executable as an operator would: its own build output, its own command line.</summary>
public static class ServiceCli
{
    public sealed record Outcome(int ExitCode, string Output);

    /// <summary>Runs <c>src/{service}</c>'s executable (Shop.{service}.dll) with the given arguments and environment.</summary>
    public static async Task<Outcome> RunAsync(
        string service, string arguments, IReadOnlyDictionary<string, string> environment, string? standardInput = null, CancellationToken ct = default)
    {
        var start = new ProcessStartInfo("dotnet", $"Shop.{service}.dll {arguments}")
        {
            WorkingDirectory = OutputOf(service),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteLineAsync(standardInput);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, await output + await error);
    }

    /// <summary>The service's own build output (same configuration as this test run), so no test assembly sits beside it.</summary>
    public static string OutputOf(string service)
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        return Path.Combine(Repository.Root, "src", service, "bin", testOutput.Parent!.Name, testOutput.Name);
    }
}
