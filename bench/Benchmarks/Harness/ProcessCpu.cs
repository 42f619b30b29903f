using System.Globalization;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>CPU time used by a process and all its descendants, from /proc (Linux), to tell host CPU from Azurite's.</summary>
internal static class ProcessCpu
{
    private static readonly double s_ticksPerSecond = 100; // USER_HZ: 100 on every Linux the SDK supports.

    /// <summary>
    /// User + system CPU of this process, plus that of the children it has waited for (a curl pipe's two curls), so far:
    /// <c>utime stime cutime cstime</c> of /proc/self/stat.
    /// </summary>
    public static TimeSpan OfSelfAndWaitedChildren()
    {
        var text = File.ReadAllText("/proc/self/stat");
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / s_ticksPerSecond);
    }

    /// <summary>Busy CPU of the whole machine so far, all cores: the first line of /proc/stat less its idle and iowait.</summary>
    public static TimeSpan OfMachine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // cpu user nice system idle iowait irq softirq steal …: guest time is already inside user.
        var ticks = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return TimeSpan.FromSeconds(ticks / s_ticksPerSecond);
    }

    /// <summary>User + system CPU of <paramref name="pid"/> alone, so far.</summary>
    public static TimeSpan OfProcess(int pid) =>
        ReadAll().TryGetValue(pid, out var stat) ? TimeSpan.FromSeconds(stat.Ticks / s_ticksPerSecond) : TimeSpan.Zero;

    /// <summary>User + system CPU of <paramref name="rootPid"/> and its live descendants, so far.</summary>
    public static TimeSpan OfTree(int rootPid)
    {
        var stats = ReadAll();
        var total = 0.0;
        var pending = new Stack<int>([rootPid]);
        while (pending.Count > 0)
        {
            var pid = pending.Pop();
            if (stats.TryGetValue(pid, out var stat))
            {
                total += stat.Ticks;
            }

            foreach (var (child, childStat) in stats)
            {
                if (childStat.Parent == pid)
                {
                    pending.Push(child);
                }
            }
        }

        return TimeSpan.FromSeconds(total / s_ticksPerSecond);
    }

    private static Dictionary<int, (int Parent, long Ticks)> ReadAll()
    {
        var result = new Dictionary<int, (int, long)>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // Fields after the parenthesised command name: state ppid … utime(14) stime(15) counting from 1.
                var text = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                result[pid] = (parent, ticks);
            }
            catch (IOException)
            {
                // The process ended while we read.
            }
        }

        return result;
    }
}
