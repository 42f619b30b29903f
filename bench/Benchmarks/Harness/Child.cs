using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>
/// Runs one measured variant in its own process (this executable with the <c>child</c> command), so its peak RSS
/// is its own. The child prints one line <c>RESULT {json}</c> with its figures and its VmHWM.
/// </summary>
internal static class Child
{
    private const string Marker = "RESULT ";

    /// <summary>Prints the child's figures with its peak RSS (and its whole CPU time, unless the figures bring their own); the parent reads this line.</summary>
    public static void WriteResult(IDictionary<string, double> figures)
    {
        var json = new JsonObject();
        foreach (var (key, value) in figures)
        {
            json[key] = value;
        }

        json["peak_rss_bytes"] = PeakRss.PeakBytes();

        // Where the memory went, for the console (the report uses peak RSS): managed allocation and the GC's committed heap.
        json["allocated_bytes"] = GC.GetTotalAllocatedBytes();
        json["gc_committed_bytes"] = GC.GetGCMemoryInfo().TotalCommittedBytes;
        json["gen0_collections"] = GC.CollectionCount(0);
        json["threads"] = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
        json["rss_anon_bytes"] = PeakRss.FieldBytes("RssAnon:");
        if (!figures.ContainsKey("cpu_seconds"))
        {
            json["cpu_seconds"] = ProcessCpu.OfSelfAndWaitedChildren().TotalSeconds;
        }
        Console.Out.WriteLine(Marker + json.ToJsonString());
        Console.Out.Flush();
    }

    /// <summary>Runs this executable with <paramref name="arguments"/> and returns the figures it reported.</summary>
    public static async Task<Dictionary<string, double>> RunAsync(IEnumerable<string> arguments, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var start = SelfStart();
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var (exitCode, stdout, stderr) = await RunProcessAsync(start, timeout, cancellationToken);
        var line = stdout.Split('\n').LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        if (exitCode != 0 || line is null)
        {
            throw new InvalidOperationException(
                $"Child '{string.Join(' ', start.ArgumentList.Take(3))}' failed (exit {exitCode}):\n{Tail(stderr)}\n{Tail(stdout)}");
        }

        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in JsonNode.Parse(line[Marker.Length..])!.AsObject())
        {
            figures[key] = value!.GetValue<double>();
        }

        return figures;
    }

    /// <summary>Runs a process to its end and returns its exit code and output; kills it at the timeout.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunProcessAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{start.FileName} did not finish within {timeout}.");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A start info for this executable (the apphost, or <c>dotnet</c> with this assembly).</summary>
    public static ProcessStartInfo SelfStart()
    {
        var processPath = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var start = new ProcessStartInfo(processPath);
        if (Path.GetFileNameWithoutExtension(processPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Child).Assembly.Location);
        }

        start.ArgumentList.Add("child");
        return start;
    }

    /// <summary>Formats a number for a child's command line.</summary>
    public static string Arg(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];

}
