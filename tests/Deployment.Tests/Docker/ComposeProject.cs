using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Shop.Deployment.Tests.Docker;

/// <summary>
/// The repository's docker-compose.yml run as a project of its own, with its published ports moved to free
/// ports on 127.0.0.1 (through the variables the file reads) so it can run beside a local shop.
/// </summary>
public sealed class ComposeProject : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;

    private ComposeProject(string name, Dictionary<string, string> environment)
    {
        Name = name;
        _environment = environment;
        Gateway = new Uri($"http://127.0.0.1:{environment["SHOP_GATEWAY_PORT"]}/");
        Prometheus = new Uri($"http://127.0.0.1:{environment["SHOP_PROMETHEUS_PORT"]}/");
    }

    public string Name { get; }

    /// <summary>The gateway's port, as the compose file publishes it on 127.0.0.1.</summary>
    public Uri Gateway { get; }

    /// <summary>Prometheus's port, as the compose file publishes it on 127.0.0.1.</summary>
    public Uri Prometheus { get; }

    public static ComposeProject Create() => new($"shop-compose-test-{Environment.ProcessId}", new()
    {
        ["SHOP_GATEWAY_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SHOP_BROKER_ADMIN_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SHOP_TRACE_VIEWER_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["SHOP_PROMETHEUS_PORT"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    /// <summary>Runs docker-compose with the given arguments and requires it to succeed; gives its output.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var (code, output) = await TryAsync(arguments);
        code.ShouldBe(0, $"docker-compose {string.Join(' ', arguments)}\n{Tail(output)}");
        return output;
    }

    public Task<(int Code, string Output)> TryAsync(params string[] arguments) =>
        Processes.RunAsync("docker-compose", ["-p", Name, "-f", "docker-compose.yml", .. arguments], _environment);

    /// <summary>The container ids of one service.</summary>
    public async Task<IReadOnlyList<string>> ContainersAsync(string service) =>
        (await RunAsync("ps", "-q", service)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>A container's state: its health when it has a health check, else running or its exit code.</summary>
    public static async Task<string> StateAsync(string container)
    {
        var (_, output) = await Processes.RunAsync("docker", ["inspect", "--format",
            "{{if .State.Health}}{{.State.Health.Status}}{{else if .State.Running}}running{{else}}exited {{.State.ExitCode}}{{end}}", container]);
        return output.Trim();
    }

    /// <summary>Every container's log, for the report of a failed run.</summary>
    public async Task<string> LogsAsync() => (await TryAsync("logs", "--no-color", "--tail", "60")).Output;

    public async ValueTask DisposeAsync() => await TryAsync("down", "-v", "--remove-orphans", "-t", "5");

    private static string Tail(string text) => text.Length <= 6000 ? text : text[^6000..];

    /// <summary>A port nothing listens on now, on 127.0.0.1.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Runs a program from the repository's root and collects what it wrote.</summary>
internal static class Processes
{
    /// <summary>The stand-in base images the Dockerfile, the compose file and the manifests name (built when missing).</summary>
    public static async Task StandInsAsync()
    {
        var (code, output) = await RunAsync("bash", ["tests/Deployment.Tests/StandIns/build.sh"]);
        code.ShouldBe(0, output);
    }

    public static async Task<(int Code, string Output)> RunAsync(string tool, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool, arguments) { WorkingDirectory = DeploymentTests.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
