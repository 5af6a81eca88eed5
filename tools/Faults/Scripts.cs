using System.Diagnostics;

namespace Shop.Faults;

/// <summary>Runs the shop's own scripts (<c>scripts/*.sh</c>); a script that fails is an exception, never a silent skip.</summary>
public sealed class Scripts(string shopRoot)
{
    /// <summary>Runs <c>scripts/{name}</c> with the arguments, passes on what it logged, and returns what it printed.</summary>
    public async Task<string> RunAsync(string name, IReadOnlyList<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(shopRoot, "scripts", name), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var error = process.StandardError.ReadToEndAsync(ct);
        await Task.WhenAll(output, error);
        await process.WaitForExitAsync(ct);
        await Console.Error.WriteAsync(error.Result);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/{name} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}");
        }

        return output.Result;
    }
}
