using System.Globalization;

namespace Shop.Bench;

/// <summary>The shop's running processes as scripts/run.sh records them, and the servers it depends on.</summary>
public sealed class ShopProcesses(string root, string data)
{
    public const string Machine = "machine";

    public const string LoadGenerator = "load generator";

    public int PidOf(string service) =>
        CurrentPidOf(service) ?? throw new InvalidOperationException($"{service}'s pid file is empty");

    /// <summary>The service's pid, or null for the moment its supervisor is writing the pid file anew.</summary>
    public int? CurrentPidOf(string service) =>
        int.TryParse(File.ReadAllText(Path.Combine(data, "run", $"{service}.pid")).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;

    /// <summary>Every replica of a service: Ordering, and Ordering-2, Ordering-3… when the shop runs several.</summary>
    public IEnumerable<int> PidsOf(string service) =>
        Directory.GetFiles(Path.Combine(data, "run"), $"{service}*.pid")
            .Where(file => Path.GetFileNameWithoutExtension(file) is var id && (id == service || id.StartsWith($"{service}-", StringComparison.Ordinal)))
            .Select(file => int.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture));

    /// <summary>CPU ticks so far of each service (all its replicas), of PostgreSQL, of RabbitMQ, of this load generator and of the whole machine.</summary>
    public Dictionary<string, long> CpuTicks()
    {
        var ticks = Sizes.Services.ToDictionary(s => s, s => PidsOf(s).Sum(Procfs.CpuTicks));
        ticks["PostgreSQL"] = Procfs.Named("postgres").Sum(Procfs.CpuTicks);
        ticks["RabbitMQ"] = Procfs.Named("beam.smp").Sum(Procfs.CpuTicks);
        ticks[LoadGenerator] = Procfs.CpuTicks(Environment.ProcessId);
        ticks[Machine] = Procfs.MachineBusyTicks();
        return ticks;
    }

    public Dictionary<string, long> ResidentKiB() => Sizes.Services.ToDictionary(s => s, s => PidsOf(s).Sum(Procfs.ResidentKiB));

    /// <summary>Removes the JIT profile a stopped service's next start would play (scripts/run.sh keeps one per process).</summary>
    public void ForgetJitProfile(string service)
    {
        var directory = Path.Combine(data, "jit", service);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs scripts/run.sh with the given arguments and waits for it.</summary>
    public Task RunScriptAsync(params string[] arguments) => Commands.CheckedAsync(Path.Combine(root, "scripts", "run.sh"), arguments);
}
