using System.Diagnostics;
using HeyGen.Emulator;
using HeyGenRender.Benchmarks.Harness;

namespace HeyGenRender.Benchmarks.Webhooks;

/// <summary>
/// Issue 7, part 3: webhook intake in process (BenchmarkDotNet, in a child process) and over HTTP against
/// <c>serve</c> under concurrent signed deliveries (verify, de-duplicate on Azurite, route, raise into the local executor).
/// </summary>
internal sealed class WebhookBenchmark(BenchEnvironment env, RunOptions options)
{
    public async Task RunAsync(Report report, CancellationToken cancellationToken = default)
    {
        report.Heading("3. Webhook intake");
        if (!options.SkipInProcess)
        {
            await InProcessAsync(report, cancellationToken);
        }

        await OverHttpAsync(report, cancellationToken);
    }

    private async Task InProcessAsync(Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine("[webhooks] in process (BenchmarkDotNet)");
        var runs = new List<Dictionary<string, double>>();
        // One BenchmarkDotNet run: it repeats internally, and there is no baseline to interleave with.
        for (var rep = 0; rep < 1; rep++)
        {
            runs.Add(await Child.RunAsync(options.Quick ? ["webhooks-inproc", "--quick"] : ["webhooks-inproc"], TimeSpan.FromMinutes(20), cancellationToken));
        }

        Summary S(string key, double scale = 1) => Summary.Of(runs.Select(r => r.GetValueOrDefault(key, double.NaN) * scale));
        report.SubHeading("In process (BenchmarkDotNet " + (options.Quick ? "dry job" : "default job") + ", in-process toolchain)");
        report.Paragraph(
            "`WebhookIntake.HandleAsync`, what HeyGen waits for (verify, parse, journal write through the Queue SDK client on a " +
            "transport that answers in memory), and `WebhookDispatcher.DispatchAsync`, what follows the answer (de-duplication " +
            "markers and renders held in memory); the HTTP benchmark below has all of it on Azurite and the Durable engine. " +
            "Every call a new `Heygen-Event-Id`. " +
            $"Per-call percentiles: {(options.Quick ? "5,000" : "200,000")} single calls timed one by one after BenchmarkDotNet, same process. " +
            $"{runs.Count} run(s); min / median / max over runs.");
        string Row(string key, double scale, string format, string unit) =>
            string.Join("|", new[] { "verify", "intake", "dispatch" }.Select(part => S(part + key, scale).Format(format) + unit));
        string[] Cells(string label, string key, double scale, string format, string unit, string target = "", string verdict = "") =>
            [label, .. Row(key, scale, format, unit).Split('|'), target, verdict];
        report.Table(["figure", "verify + parse (WebhookVerifier)", "intake: verify, parse, journal (WebhookIntake)", "dispatch: dedupe, route, raise (WebhookDispatcher)", "target", "verdict"],
        [
            Cells("mean (BenchmarkDotNet)", "_mean_ns", 0.001, "0.00", " µs"),
            Cells("P95 of iterations (BenchmarkDotNet)", "_p95_ns", 0.001, "0.00", " µs"),
            Cells("allocated per call", "_alloc_bytes", 1, "0", " B"),
            Cells("single call mean", "_call_mean_us", 1, "0.00", " µs"),
            Cells("single call p50", "_call_p50_us", 1, "0.00", " µs"),
            Cells("single call p99", "_call_p99_us", 1, "0.00", " µs"),
            Cells("single call max", "_call_max_us", 1, "0", " µs"),
        ]);
    }

    private async Task OverHttpAsync(Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine("[webhooks] over HTTP against serve");
        const int Concurrency = 100;
        var deliveries = options.WebhookDeliveries;
        const int Renders = 10;

        // A HeyGen whose renders take an hour: the renders stay running, waiting for webhooks, for the whole test.
        await using var heyGen = await EmulatorHandle.StartAsync(new EmulatorOptions { RenderDuration = TimeSpan.FromHours(1), MaxConcurrentJobs = 100, RateLimitPerMinute = 0 }, cancellationToken);
        var port = ServeProcess.FreePort();
        await using var serve = await ServeProcess.StartAsync(port, new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = env.StorageConnectionString,
            ["HeyGen__Endpoint"] = heyGen.ApiBase.AbsoluteUri,
            ["Secrets__HeyGenApiKey"] = heyGen.ApiKey,
            ["Secrets__WebhookSecret"] = WebhookFixtures.Secret,
            // Every render, the warm-up's too, holds a HeyGen slot and waits for its webhook (none queued for a slot).
            ["Workflow__ConcurrencyLimit"] = (Renders + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, cancellationToken);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { Timeout = TimeSpan.FromSeconds(30) };
        var renders = new RenderClient(http, serve.BaseAddress);
        var ids = new List<string>();
        for (var i = 0; i < Renders; i++)
        {
            ids.Add(await renders.StartAsync(RenderClient.AvatarSpec($"webhook target {i}", "webhook"), $"bench-webhook-target-{Guid.NewGuid():N}", cancellationToken));
        }

        // One more running render for the warm-up only, so the path that raises into a render is compiled too.
        var warmUpRender = await renders.StartAsync(RenderClient.AvatarSpec("webhook warm-up", "webhook"), $"bench-webhook-warmup-{Guid.NewGuid():N}", cancellationToken);

        // Wait until every render has its HeyGen job and waits for a webhook.
        var waitClock = Stopwatch.StartNew();
        while (heyGen.Host.State.Jobs.Count < Renders + 1 && waitClock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200, cancellationToken);
        }

        if (heyGen.Host.State.Jobs.Count < Renders + 1)
        {
            throw new InvalidOperationException($"Only {heyGen.Host.State.Jobs.Count} of {Renders + 1} renders created their HeyGen job within 60 s.");
        }

        await Task.Delay(1000, cancellationToken);

        // Three kinds of request, interleaved. A floor: the same signed POSTs to a route serve does not have (404),
        // which is Kestrel, loopback and the load generator, with no handler at all. Running renders: routed by
        // callback_id, journaled, then dispatched and raised into the render (an orchestration episode each). Unknown
        // renders: well-formed render ids no render has (journaled, dispatched, dropped, nothing raised).
        var unknown = Enumerable.Range(0, Renders).Select(_ => "r-" + Guid.NewGuid().ToString("N")).ToList();
        var variants = new (string Name, string Path, IReadOnlyList<string> Targets, List<Dictionary<string, double>> Rows)[]
        {
            ("floor", "api/webhooks/not-a-route", ids, []),
            ("running renders", "api/webhooks/heygen", ids, []),
            ("unknown renders", "api/webhooks/heygen", unknown, []),
        };
        var reps = options.Quick ? 1 : options.Repetitions;
        var azuritePid = env.Azurite.ProcessId ?? throw new InvalidOperationException("The benchmark's Azurite was not started by it.");
        var quiet = new ServeQuiet(env.StorageConnectionString, serve);
        // Warm-up, not counted: serve's first deliveries on each route run its code for the first time (JIT, then the
        // tier-1 recompiles on a background thread), which would fall on whichever variant came first. Unknown renders
        // and one render of its own, so no measured render's history grows before the measurement; then serve must be
        // idle, as a long-running host is between bursts.
        var warmUps = options.Quick ? 50 : 500;
        foreach (var (name, path, _, _) in variants)
        {
            await LoadAsync(http, new Uri(serve.BaseAddress, path), Sign(unknown, warmUps, -1, name), Concurrency, cancellationToken);
        }

        await LoadAsync(http, new Uri(serve.BaseAddress, variants[1].Path), Sign([warmUpRender], warmUps, -2, "warm-up render"), Concurrency, cancellationToken);
        await quiet.WaitAsync(0, cancellationToken);
        // Quick mode is a smoke test of the harness: it does not wait out the tier-1 recompiles (about 5 s).
        var settled = options.Quick ? 0 : await WaitForIdleCpuAsync(serve.ProcessId, cancellationToken);
        Console.WriteLine($"  warm-up: {warmUps} deliveries per route and {warmUps} into a render of its own; serve idle after {Num.F(settled)} s more");
        for (var rep = 0; rep < reps; rep++)
        {
            foreach (var (name, path, targets, rows) in variants)
            {
                var requests = Sign(targets, deliveries, rep, name);
                var serveCpu = ProcessCpu.OfTree(serve.ProcessId);
                var azuriteCpu = ProcessCpu.OfTree(azuritePid);
                var row = await LoadAsync(http, new Uri(serve.BaseAddress, path), requests, Concurrency, cancellationToken);
                var seconds = deliveries / row["throughput"];
                row["serve_cpu_pct"] = (ProcessCpu.OfTree(serve.ProcessId) - serveCpu).TotalSeconds / seconds * 100;
                row["azurite_cpu_pct"] = (ProcessCpu.OfTree(azuritePid) - azuriteCpu).TotalSeconds / seconds * 100;

                // Until the journal is empty every delivery is not yet raised; until the control queue is empty the engine
                // has not yet run their episodes. Both from the start of the load; the next variant starts on a quiet serve.
                var (dispatched, engine) = await quiet.WaitAsync(row["load_s"], cancellationToken);
                row["dispatched_s"] = dispatched;
                row["engine_s"] = engine;
                rows.Add(row);
                Console.WriteLine($"  rep {rep + 1} {name}: p50 {Num.F(row["p50_ms"])} ms, p99 {Num.F(row["p99_ms"])} ms, {Num.F(row["throughput"], "0")}/s, errors {row["errors"]}, received {row["received"]}, CPU serve {Num.F(row["serve_cpu_pct"], "0")} %, Azurite {Num.F(row["azurite_cpu_pct"], "0")} %, all dispatched after {Num.F(dispatched)} s, engine quiet after {Num.F(engine)} s");
            }
        }

        var floor = variants[0].Rows;
        var running = variants[1].Rows;
        var missing = variants[2].Rows;
        Summary S(List<Dictionary<string, double>> rows, string key) => Summary.Of(rows.Select(r => r[key]));
        var p99 = S(running, "p99_ms");
        var errors = Summary.Of(running.Concat(missing).Select(r => r["errors"]));
        report.SubHeading($"Over HTTP: `serve` under {Concurrency} concurrent signed deliveries");
        report.Paragraph(
            $"{deliveries} deliveries per run, {Concurrency} in flight at once (HttpClient over loopback; bodies signed before the clock starts), " +
            $"after a warm-up that is not counted ({warmUps} deliveries per route and {warmUps} into a render of its own, then serve idle), " +
            "each with its own `Heygen-Event-Id`, signed with the configured secret. *Running renders*: routed by `callback_id` to one of " +
            $"{Renders} running renders in `serve`: answered once journaled (group commit into the webhook journal, files in a folder on disk as serve keeps them beside its embedded Azurite), " +
            "then de-duplicated, routed and raised into the render on the Durable engine (Azure Storage backend on the same Azurite; the " +
            "event names another video id, so the render goes on waiting after an orchestration episode per event). *Unknown renders*: " +
            "the same with well-formed render ids no render has (journaled, dispatched and dropped). *Floor*: the same requests to a " +
            "route serve does not have (a 404 from routing): Kestrel, loopback and the load generator on the same two cores, no handler. " +
            "CPU is % of one core over the load, serve's process and Azurite's. *All dispatched*: from the start of the load until the " +
            "journal queue is empty; *engine quiet*: until the task hub's control queue is empty too. Variants interleaved in each of " +
            $"{running.Count} run(s); min / median / max over runs.");
        report.Table(["figure", "running renders", "unknown renders", "floor (404, no handler)", "target", "verdict"],
        [
            ["p50 latency", S(running, "p50_ms").Format("0.0") + " ms", S(missing, "p50_ms").Format("0.0") + " ms", S(floor, "p50_ms").Format("0.0") + " ms", "", ""],
            ["p99 latency", p99.Format("0.0") + " ms", S(missing, "p99_ms").Format("0.0") + " ms", S(floor, "p99_ms").Format("0.0") + " ms", "< 50 ms (running)", Report.Verdict(p99.Count == 0 ? null : p99.Median < 50)],
            ["max latency", S(running, "max_ms").Format("0") + " ms", S(missing, "max_ms").Format("0") + " ms", S(floor, "max_ms").Format("0") + " ms", "", ""],
            ["throughput", S(running, "throughput").Format("0") + " deliveries/s", S(missing, "throughput").Format("0") + " deliveries/s", S(floor, "throughput").Format("0") + " requests/s", "", ""],
            ["CPU, serve", S(running, "serve_cpu_pct").Format("0") + " %", S(missing, "serve_cpu_pct").Format("0") + " %", S(floor, "serve_cpu_pct").Format("0") + " %", "", ""],
            ["CPU, Azurite", S(running, "azurite_cpu_pct").Format("0") + " %", S(missing, "azurite_cpu_pct").Format("0") + " %", S(floor, "azurite_cpu_pct").Format("0") + " %", "", ""],
            ["errors (non-2xx or failed)", S(running, "errors").Format("0"), S(missing, "errors").Format("0"), "(404 expected)", "0", Report.Verdict(errors.Count == 0 ? null : errors.Max == 0)],
            ["answered `received` (journaled)", S(running, "received").Format("0"), S(missing, "received").Format("0"), "", $"{deliveries}", ""],
            ["all dispatched after", S(running, "dispatched_s").Format("0.0") + " s", S(missing, "dispatched_s").Format("0.0") + " s", "", "", ""],
            ["engine quiet after", S(running, "engine_s").Format("0.0") + " s", S(missing, "engine_s").Format("0.0") + " s", "", "", ""],
        ]);
    }

    // Until serve used under 10 % of a core over half a second (its idle cost is about 5 %), at most 60 s.
    private static async Task<double> WaitForIdleCpuAsync(int pid, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var window = TimeSpan.FromMilliseconds(500);
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var before = ProcessCpu.OfTree(pid);
            await Task.Delay(window, cancellationToken);
            if ((ProcessCpu.OfTree(pid) - before) / window < 0.10)
            {
                break;
            }
        }

        return clock.Elapsed.TotalSeconds;
    }

    // Signed before the clock starts: signing is HeyGen's work, not the machine under test's.
    private static List<(byte[] Body, KeyValuePair<string, string>[] Headers)> Sign(IReadOnlyList<string> renderIds, int count, int rep, string variant)
    {
        var now = TimeProvider.System.GetUtcNow();
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var eventId = $"evt_bench_{rep}_{variant.Replace(' ', '_')}_{i}_{Guid.NewGuid():N}";
            var body = WebhookFixtures.Body(renderIds[i % renderIds.Count], "vid_not_this_render", eventId);
            return (body, HeyGen.Client.WebhookSigner.CreateHeaders(body, WebhookFixtures.Secret, now, eventId).ToArray());
        })];
    }

    private static async Task<Dictionary<string, double>> LoadAsync(HttpClient http, Uri url, List<(byte[] Body, KeyValuePair<string, string>[] Headers)> requests, int concurrency, CancellationToken cancellationToken)
    {
        var count = requests.Count;
        var latencies = new double[count];
        var errors = 0;
        var accepted = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        async Task WorkerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var (body, headers) = requests[i];
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                foreach (var (name, value) in headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                var start = Stopwatch.GetTimestamp();
                try
                {
                    using var response = await http.SendAsync(request, cancellationToken);
                    var text = await response.Content.ReadAsStringAsync(cancellationToken);
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref errors);
                    }
                    else if (text.Contains("received", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref accepted);
                    }
                }
                catch (HttpRequestException)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    Interlocked.Increment(ref errors);
                }
                catch (TaskCanceledException)
                {
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    Interlocked.Increment(ref errors);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync, cancellationToken)));
        clock.Stop();
        Array.Sort(latencies);
        return new Dictionary<string, double>
        {
            ["p50_ms"] = Percentiles.Of(latencies, 50),
            ["p99_ms"] = Percentiles.Of(latencies, 99),
            ["max_ms"] = latencies[^1],
            ["throughput"] = count / clock.Elapsed.TotalSeconds,
            ["load_s"] = clock.Elapsed.TotalSeconds,
            ["errors"] = errors,
            ["received"] = accepted,
        };
    }
}
