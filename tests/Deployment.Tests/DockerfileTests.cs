using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Shop.Deployment.Tests;

/// <summary>
/// The Dockerfile's build stage, replayed step by step on this machine's SDK (no image registry is reachable here):
/// each COPY copies exactly what it names into a fresh directory, each RUN runs there.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = Path.Combine(DeploymentTests.Root, "deploy", "docker", "Dockerfile");

    [Fact]
    public async Task the_packages_restore_from_the_project_files_alone_and_the_services_publish_from_that_restore()
    {
        Assert.SkipWhen(Docker.ComposeShop.Enabled, "The compose test builds the images for real.");
        var steps = BuildStage().ToList();
        var restore = steps.FindIndex(s => s.Instruction == "RUN" && s.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        var sources = steps.FindIndex(s => s is { Instruction: "COPY", Arguments: "src/ src/" });
        restore.ShouldBeGreaterThan(0, "a restore step");
        sources.ShouldBeGreaterThan(restore, "the sources are copied after the restore, so that the restored layer is reused");
        steps.Take(restore).Where(s => s.Instruction == "COPY").SelectMany(s => s.Arguments.Split(' ')[..^1])
            .ShouldAllBe(path => path.EndsWith(".csproj", StringComparison.Ordinal) || path.EndsWith(".props", StringComparison.Ordinal)
                || path.EndsWith(".targets", StringComparison.Ordinal) || path.EndsWith(".json", StringComparison.Ordinal) || path == ".editorconfig");

        var work = Directory.CreateTempSubdirectory("shop-dockerfile-").FullName;
        try
        {
            foreach (var (instruction, arguments) in steps)
            {
                var expanded = arguments.Replace(" /app/", $" {Path.Combine(work, "app")}/", StringComparison.Ordinal);
                if (instruction == "COPY")
                {
                    var parts = expanded.Split(' ');
                    foreach (var source in parts[..^1])
                    {
                        Copy(Path.Combine(DeploymentTests.Root, source), Path.Combine(work, parts[^1]));
                    }
                }
                else if (instruction == "RUN")
                {
                    var (code, output) = await RunAsync(expanded, work);
                    code.ShouldBe(0, $"{expanded}\n{output}");
                }
            }

            foreach (var service in new[] { "Identity", "Ordering", "Inventory", "Payments", "Notifications", "Gateway" })
            {
                File.Exists(Path.Combine(work, "app", service, $"Shop.{service}.dll")).ShouldBeTrue(service);
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public void the_runtime_image_creates_and_hands_the_services_their_directories_before_it_becomes_their_user()
    {
        var text = File.ReadAllText(Dockerfile);
        var runtime = text[text.LastIndexOf("FROM ", StringComparison.Ordinal)..];
        var owned = runtime.IndexOf("chown app:app /keys /audit-keys /mail", StringComparison.Ordinal);
        owned.ShouldBeGreaterThan(0, "the directories the compose file mounts volumes on are the services' own");
        runtime.IndexOf("USER app", StringComparison.Ordinal).ShouldBeGreaterThan(owned);
    }

    /// <summary>The build stage's COPY and RUN instructions, in order, with their arguments as written.</summary>
    private static IEnumerable<(string Instruction, string Arguments)> BuildStage()
    {
        var text = File.ReadAllText(Dockerfile);
        var stage = text[..text.LastIndexOf("FROM ", StringComparison.Ordinal)].Replace("\\\n", " ", StringComparison.Ordinal);
        return Instruction().Matches(stage).Select(m => (m.Groups[1].Value, m.Groups[2].Value.Trim().Replace("\"", "", StringComparison.Ordinal)));
    }

    [GeneratedRegex(@"^(COPY|RUN) (.+)$", RegexOptions.Multiline)]
    private static partial Regex Instruction();

    /// <summary>As COPY does: a directory's contents into the target, a file into a target that ends with '/', else as the target.</summary>
    private static void Copy(string source, string target)
    {
        if (Directory.Exists(source))
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
            {
                CopyFile(file, Path.Combine(target, Path.GetRelativePath(source, file)));
            }

            return;
        }

        CopyFile(source, target.EndsWith(Path.DirectorySeparatorChar) ? Path.Combine(target, Path.GetFileName(source)) : target);
    }

    private static void CopyFile(string source, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        File.Copy(source, destination, overwrite: true);
    }

    private static async Task<(int Code, string Output)> RunAsync(string command, string directory)
    {
        var start = new ProcessStartInfo("sh", ["-c", command]) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
