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
            (options.Quick ? " **Quick mode**: small sizes and short runs, the parts side by side, a smoke test of the harness; its figures are not the targets' figures." : ""));
        report.Table(["machine", ""], (await Machine.DescribeAsync(options.RepoRoot)).Select(m => (IReadOnlyList<string>)[m.Name, m.Value]));
        report.Paragraph($"Command: `bench/run.sh{(options.Quick ? " --quick" : "")}{(options.Only is null ? "" : " --only " + string.Join(',', options.Only))}`, {options.Repetitions} repetitions.");

        // Each part gets its own Azurite and emulator: the engine's cost on Azurite grows with what the account already
        // holds (a webhook run leaves renders with thousands of history rows), so parts sharing one would measure each other.
        (string Part, Func<BenchEnvironment, Report, Task> Run)[] parts =
        [
            ("transfers", (env, section) => new TransferBenchmark(env, options).RunAsync(section)),
            ("webhooks", (env, section) => new Webhooks.WebhookBenchmark(env, options).RunAsync(section)),
            ("orchestration", (_, section) => new Orchestration.OrchestrationBenchmark(options).RunAsync(section)),
            ("first-video", (env, section) => new Experience.FirstVideoBenchmark(env, options).RunAsync(section)),
        ];
        async Task<(Report Section, int Failures)> RunPartAsync(string part, Func<BenchEnvironment, Report, Task> run)
        {
            var section = new Report();
            await using var env = await BenchEnvironment.StartAsync(options);
            return (section, await GuardAsync(section, part, () => run(env, section)));
        }

        // One part at a time, so none measures another; quick mode, a smoke test of the harness whose figures are not the
        // targets', runs them side by side (most of each is real-time waiting) to stay near a minute.
        var selected = parts.Where(p => options.Includes(p.Part)).ToList();
        var results = new List<(Report Section, int Failures)>();
        if (options.Quick)
        {
            results.AddRange(await Task.WhenAll(selected.Select(p => RunPartAsync(p.Part, p.Run))));
        }
        else
        {
            foreach (var (part, run) in selected)
            {
                results.Add(await RunPartAsync(part, run));
            }
        }

        foreach (var (section, _) in results)
        {
            report.Raw(section.ToString());
        }

        var failures = results.Sum(r => r.Failures);

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
