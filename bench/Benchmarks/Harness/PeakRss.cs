using System.Globalization;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>The process's peak resident set size (VmHWM) and current RSS, read from /proc/self/status.</summary>
internal static class PeakRss
{
    public static long PeakBytes() => Read("VmHWM:");

    public static long CurrentBytes() => Read("VmRSS:");

    /// <summary>Starts the peak over from the current RSS (Linux: <c>5</c> written to /proc/self/clear_refs).</summary>
    /// <exception cref="InvalidOperationException">The kernel did not reset it.</exception>
    public static void Reset()
    {
        File.WriteAllText("/proc/self/clear_refs", "5");
        if (PeakBytes() > CurrentBytes() + (16L << 20))
        {
            throw new InvalidOperationException("/proc/self/clear_refs did not reset the peak RSS (VmHWM).");
        }
    }

    /// <summary>Any size field of /proc/self/status (for example <c>RssAnon:</c>), in bytes; -1 if absent.</summary>
    public static long FieldBytes(string field) => Read(field);

    private static long Read(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kib = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }

        return -1;
    }
}
