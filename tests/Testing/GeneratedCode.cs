using Shouldly;

namespace Shop.Testing;

/// <summary>
/// The handler and endpoint code a service runs (it loads it statically, compiling nothing at run
/// time) is committed under src/{service}/Internal/Generated; this checks it is what the service's
/// current handlers generate.
/// </summary>
public static class GeneratedCode
{
    private const string Folder = "Internal/Generated";

    /// <summary>Runs the service's own <c>codegen write</c> beside its build output and compares every file with the committed one.</summary>
    public static async Task ShouldBeCurrentAsync(string service)
    {
        var written = Path.Combine(ServiceCli.OutputOf(service), Folder);
        if (Directory.Exists(written))
        {
            Directory.Delete(written, recursive: true);
        }

        try
        {
            var outcome = await ServiceCli.RunAsync(service, "codegen write", new Dictionary<string, string>());
            outcome.ExitCode.ShouldBe(0, outcome.Output);
            var committed = Path.Combine(Repository.Root, "src", service, Folder);
            var hint = $"Run ./shop codegen to write src/{service}/{Folder} again, review the change, and commit it.";
            var (expected, actual) = (Files(written), Files(committed));
            actual.Keys.ShouldBe(expected.Keys, ignoreOrder: true, $"src/{service}/{Folder} does not have the files the handlers generate. {hint}");
            foreach (var (name, code) in expected)
            {
                actual[name].ShouldBe(code, $"src/{service}/{Folder}/{name} is stale. {hint}");
            }
        }
        finally
        {
            Directory.Delete(written, recursive: true);
        }
    }

    private static Dictionary<string, string> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .ToDictionary(f => Path.GetRelativePath(folder, f), f => File.ReadAllText(f).ReplaceLineEndings("\n"))
            : [];
}
