using System.Diagnostics;
using HeyGenRender.Benchmarks.Harness;
using HeyGenRender.Benchmarks.Transfers;

namespace HeyGenRender.Benchmarks;

/// <summary>One run of the selected benchmarks, written to <c>bench/results/&lt;date&gt;-&lt;name&gt;.md</c>.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(RunOptions options)
    {
        var clock = Stopwatch.StartNew();
        var startedAt = TimeProvider.System.GetUtcNow();
        var report = new Report();
        report.Raw($"# Benchmarks: {options.Name} run, {startedAt:yyyy-MM-dd HH:mm} UTC\n\n");
        report.Paragraph(
            "Every comparison runs the project's code path and its baseline in the same run on the same machine, interleaved, " +
            "so noise hits both; the ratios are the result, absolute figures are context. Figures are min / median / max over repetitions." +
            (options.Quick ? " **Quick mode**: small sizes and short runs, a smoke test of the harness; its figures are not the targets' figures." : ""));
        report.Table(["machine", ""], (await Machine.DescribeAsync(options.RepoRoot)).Select(m => (IReadOnlyList<string>)[m.Name, m.Value]));
        report.Paragraph($"Command: `bench/run.sh{(options.Quick ? " --quick" : "")}{(options.Only is null ? "" : " --only " + string.Join(',', options.Only))}`, {options.Repetitions} repetitions.");

        // Each part gets its own Azurite and emulator: the engine's cost on Azurite grows with what the account already
        // holds (a webhook run leaves renders with thousands of history rows), so parts sharing one would measure each other.
        var failures = 0;
        (string Part, Func<BenchEnvironment, Task> Run)[] parts =
        [
            ("transfers", env => new TransferBenchmark(env, options).RunAsync(report)),
            ("webhooks", env => new Webhooks.WebhookBenchmark(env, options).RunAsync(report)),
            ("orchestration", _ => new Orchestration.OrchestrationBenchmark(options).RunAsync(report)),
            ("first-video", env => new Experience.FirstVideoBenchmark(env, options).RunAsync(report)),
        ];
        foreach (var (part, run) in parts.Where(p => options.Includes(p.Part)))
        {
            await using var env = await BenchEnvironment.StartAsync(options);
            failures += await GuardAsync(report, part, () => run(env));
        }

        report.Paragraph($"Total run time {clock.Elapsed.TotalSeconds:0} s.");
        Directory.CreateDirectory(options.ResultsFolder);
        var file = Path.Combine(options.ResultsFolder, $"{startedAt:yyyy-MM-dd}-{options.Name}.md");
        await File.WriteAllTextAsync(file, report.ToString());
        Console.WriteLine($"Results: {file} ({clock.Elapsed.TotalSeconds:0} s)");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> GuardAsync(Report report, string part, Func<Task> run)
    {
        try
        {
            await run();
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TimeoutException or IOException)
        {
            report.Paragraph($"**{part} failed**: `{e.GetType().Name}: {e.Message.Split('\n')[0]}`");
            Console.Error.WriteLine($"[{part}] failed: {e}");
            return 1;
        }
    }
}
