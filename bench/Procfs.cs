using System.Globalization;

namespace Shop.Bench;

/// <summary>What Linux says about processes: start time, CPU time and resident memory, from /proc.</summary>
public static class Procfs
{
    /// <summary>USER_HZ, the unit of the times in /proc/[pid]/stat; 100 on every Linux the shop runs on.</summary>
    public const double TicksPerSecond = 100;

    public static double UptimeSeconds() =>
        double.Parse(File.ReadAllText("/proc/uptime").Split(' ')[0], CultureInfo.InvariantCulture);

    /// <summary>When the process started, in seconds since boot (the clock of <see cref="UptimeSeconds"/>).</summary>
    public static double StartedAt(int pid) => StatField(pid, 22) / TicksPerSecond;

    /// <summary>
    /// User plus system CPU time in ticks of the process and of its children that have ended (so a
    /// server that forks a process per connection, as PostgreSQL does, keeps what they spent), or 0
    /// when the process is gone.
    /// </summary>
    public static long CpuTicks(int pid)
    {
        try
        {
            return StatField(pid, 14) + StatField(pid, 15) + StatField(pid, 16) + StatField(pid, 17);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>CPU ticks spent by the whole machine (every core), from /proc/stat.</summary>
    public static long MachineBusyTicks()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // user nice system idle iowait irq softirq steal: everything but idle and iowait is work.
        return new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(cpu[i], CultureInfo.InvariantCulture));
    }

    public static long ResidentKiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>Processes whose command name (/proc/[pid]/comm) is <paramref name="name"/>.</summary>
    public static IReadOnlyList<int> Named(string name)
    {
        var pids = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(dir, "comm")).Trim() == name)
                    {
                        pids.Add(pid);
                    }
                }
                catch (IOException)
                {
                    // The process ended while the list was read.
                }
            }
        }

        return pids;
    }

    private static long StatField(int pid, int field)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces; fields are counted after it.
        var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(rest[field - 3], CultureInfo.InvariantCulture);
    }
}
