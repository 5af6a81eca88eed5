using System.Diagnostics;

namespace Shop.Identity.Tests;

/// <summary>Runs the Identity executable as an operator would, against the test schema and keys.</summary>
public static class IdentityCli
{
    public sealed record Outcome(int ExitCode, string Output);

    public static async Task<Outcome> RunAsync(IdentityFixture fixture, string arguments, string? standardInput = null, string schema = IdentityFixture.Schema)
    {
        var start = new ProcessStartInfo("dotnet", $"Shop.Identity.dll {arguments}")
        {
            WorkingDirectory = IdentityOutput(),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Shop__Schema"] = schema;
        start.Environment["Identity__Keys__Directory"] = fixture.KeysDirectory;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment.Remove("SHOP_USER_PASSWORD");

        using var process = Process.Start(start)!;
        if (standardInput is not null)
        {
            await process.StandardInput.WriteLineAsync(standardInput);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Outcome(process.ExitCode, await output + await error);
    }

    /// <summary>Identity's own build output (same configuration as this test run), so no test assembly sits beside it.</summary>
    private static string IdentityOutput()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (testOutput.Name, testOutput.Parent!.Name);
        var root = testOutput;
        while (!File.Exists(Path.Combine(root.FullName, "Shop.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("Shop.sln not found above the test output.");
        }

        return Path.Combine(root.FullName, "src", "Identity", "bin", configuration, framework);
    }
}
