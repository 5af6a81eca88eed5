using System.Runtime;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Shop.ServiceDefaults.Health;

namespace Shop.ServiceDefaults.Hosting;

/// <summary>
/// The runtime's multicore JIT profile: what a process compiled once it was up is written when it stops,
/// and its next start compiles the same methods on a background thread while it waits for its first
/// requests. A process's first order otherwise paid for compiling thousands of methods (generic
/// instantiations over Shop's own types, which no ahead-of-time image holds) in the hops of its checkout.
/// </summary>
/// <remarks>
/// Playing and recording start once the process reaches its own database and broker (a gateway: once it
/// has started): the background compiler would otherwise take the cores the start itself needs (on two
/// cores it delayed readiness by seconds), and the runtime keeps at most 16,384 methods, which start-up
/// alone would fill. The profile is written by a graceful stop only (a killed process leaves the
/// previous one).
/// </remarks>
public static class JitProfile
{
    /// <summary>The directory the profile lives in; one per process, since each writes its own at stop.</summary>
    public const string DirectorySetting = "Shop:JitProfileDirectory";

    public static WebApplicationBuilder AddJitProfile(this WebApplicationBuilder builder, string name)
    {
        if (builder.Configuration[DirectorySetting] is { Length: > 0 } directory)
        {
            var build = Build(typeof(JitProfile).Assembly.ManifestModule.ModuleVersionId, System.Reflection.Assembly.GetEntryAssembly()?.ManifestModule.ModuleVersionId);
            var file = JitProfileFiles.Prepare(directory, name, build);
            ProfileOptimization.SetProfileRoot(directory);
            builder.Services.AddHostedService(services => new JitProfileRecording(
                services.GetRequiredService<IHostApplicationLifetime>(), services.GetRequiredService<HealthCheckService>(), file));
        }

        return builder;
    }

    /// <summary>A name for this build of the service: a profile names methods by their assemblies' build.</summary>
    private static string Build(Guid shared, Guid? service) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. shared.ToByteArray(), .. (service ?? Guid.Empty).ToByteArray()]))[..12];
}

/// <summary>Which profile a start plays: the largest one this build has written.</summary>
public static class JitProfileFiles
{
    /// <summary>
    /// Readies the profile a start plays and returns its file name. The runtime plays and rewrites one
    /// file, so a run that served nothing (a restart at night) would leave a profile without the order
    /// paths: the largest profile of the build is kept beside it and played instead. Profiles of other
    /// builds are removed; they name methods this build may not have.
    /// </summary>
    public static string Prepare(string directory, string name, string build)
    {
        Directory.CreateDirectory(directory);
        var file = $"{name}-{build}.jitprofile";
        var current = new FileInfo(Path.Combine(directory, file));
        var kept = new FileInfo(current.FullName + ".kept");
        foreach (var old in Directory.EnumerateFiles(directory, $"{name}-*.jitprofile*").Where(f => f != current.FullName && f != kept.FullName))
        {
            File.Delete(old);
        }

        FileInfo[] both = [current, kept];
        var best = both.Where(f => f.Exists).MaxBy(f => f.Length);
        if (best is not null)
        {
            foreach (var other in both.Where(f => f != best))
            {
                best.CopyTo(other.FullName, overwrite: true);
            }
        }

        return file;
    }
}

internal sealed class JitProfileRecording(IHostApplicationLifetime lifetime, HealthCheckService health, string fileName) : BackgroundService
{
    private static readonly TimeSpan ReadyPoll = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        await using var registration = lifetime.ApplicationStarted.Register(started.SetResult);
        await started.Task.WaitAsync(stoppingToken);
        while ((await health.CheckHealthAsync(c => c.Tags.Contains(HealthEndpoints.InfrastructureTag), stoppingToken)).Status == HealthStatus.Unhealthy)
        {
            await Task.Delay(ReadyPoll, stoppingToken);
        }

        ProfileOptimization.StartProfile(fileName);
    }
}
