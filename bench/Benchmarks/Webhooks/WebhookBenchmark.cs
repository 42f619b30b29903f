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
        await InProcessAsync(report, cancellationToken);
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
        report.SubHeading("In process (BenchmarkDotNet " + (options.Quick ? "short job" : "default job") + ", in-process toolchain)");
        report.Paragraph(
            "`WebhookIntake.HandleAsync`, the pipeline's handler, with de-duplication markers and renders held in memory " +
            "(the HTTP benchmark below has them on Azurite and in the local executor); every call a new `Heygen-Event-Id`. " +
            $"Per-call percentiles: {(options.Quick ? "20,000" : "200,000")} single calls timed one by one after BenchmarkDotNet, same process. " +
            $"{runs.Count} run(s); min / median / max over runs.");
        var p99 = S("intake_call_p99_us");
        report.Table(["figure", "verify + parse (WebhookVerifier)", "intake: verify, parse, dedupe, route, raise", "target", "verdict"],
        [
            ["mean (BenchmarkDotNet)", S("verify_mean_ns", 0.001).Format("0.00") + " µs", S("intake_mean_ns", 0.001).Format("0.00") + " µs", "", ""],
            ["P95 of iterations (BenchmarkDotNet)", S("verify_p95_ns", 0.001).Format("0.00") + " µs", S("intake_p95_ns", 0.001).Format("0.00") + " µs", "", ""],
            ["allocated per call", S("verify_alloc_bytes").Format("0") + " B", S("intake_alloc_bytes").Format("0") + " B", "", ""],
            ["single call mean", S("verify_call_mean_us").Format("0.00") + " µs", S("intake_call_mean_us").Format("0.00") + " µs", "", ""],
            ["single call p50", S("verify_call_p50_us").Format("0.00") + " µs", S("intake_call_p50_us").Format("0.00") + " µs", "", ""],
            ["single call p99", S("verify_call_p99_us").Format("0.00") + " µs", p99.Format("0.00") + " µs", "intake p99 < 20 µs", Report.Verdict(p99.Count == 0 ? null : p99.Median < 20)],
            ["single call max", S("verify_call_max_us").Format("0") + " µs", S("intake_call_max_us").Format("0") + " µs", "", ""],
        ]);
    }

    private async Task OverHttpAsync(Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine("[webhooks] over HTTP against serve");
        const int Concurrency = 100;
        var deliveries = options.Quick ? 200 : 2000;
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
        }, cancellationToken);

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Concurrency }) { Timeout = TimeSpan.FromSeconds(30) };
        var renders = new RenderClient(http, serve.BaseAddress);
        var ids = new List<string>();
        for (var i = 0; i < Renders; i++)
        {
            ids.Add(await renders.StartAsync(RenderClient.AvatarSpec($"webhook target {i}", "webhook"), $"bench-webhook-target-{Guid.NewGuid():N}", cancellationToken));
        }

        // Wait until every render has its HeyGen job and waits for a webhook.
        var waitClock = Stopwatch.StartNew();
        while (heyGen.Host.State.Jobs.Count < Renders && waitClock.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(200, cancellationToken);
        }

        await Task.Delay(1000, cancellationToken);

        var rows = new List<Dictionary<string, double>>();
        var reps = options.Quick ? 1 : options.Repetitions;
        for (var rep = 0; rep < reps; rep++)
        {
            rows.Add(await LoadAsync(http, serve.BaseAddress, ids, deliveries, Concurrency, rep, cancellationToken));
            var last = rows[^1];
            Console.WriteLine($"  rep {rep + 1}: p50 {Num.F(last["p50_ms"])} ms, p99 {Num.F(last["p99_ms"])} ms, {Num.F(last["throughput"], "0")}/s, errors {last["errors"]}, accepted {last["accepted"]}");
        }

        Summary S(string key) => Summary.Of(rows.Select(r => r[key]));
        var p99 = S("p99_ms");
        var errors = S("errors");
        report.SubHeading($"Over HTTP: `serve` under {Concurrency} concurrent signed deliveries");
        report.Paragraph(
            $"{deliveries} deliveries per run, {Concurrency} in flight at once (HttpClient over loopback), each with its own `Heygen-Event-Id`, " +
            $"signed with the configured secret, routed by `callback_id` to one of {Renders} running renders in `serve`'s local executor; " +
            "de-duplication markers on Azurite; the event is raised into the render (it names another video id, so the render goes on waiting). " +
            $"{rows.Count} run(s); min / median / max over runs.");
        report.Table(["figure", "min / median / max", "target", "verdict"],
        [
            ["p50 latency", S("p50_ms").Format("0.0") + " ms", "", ""],
            ["p99 latency", p99.Format("0.0") + " ms", "< 25 ms", Report.Verdict(p99.Count == 0 ? null : p99.Median < 25)],
            ["max latency", S("max_ms").Format("0") + " ms", "", ""],
            ["throughput", S("throughput").Format("0") + " deliveries/s", "", ""],
            ["errors (non-2xx or failed)", errors.Format("0"), "0", Report.Verdict(errors.Count == 0 ? null : errors.Max == 0)],
            ["answered `accepted` (raised into a render)", S("accepted").Format("0"), $"{deliveries}", ""],
        ]);
    }

    private static async Task<Dictionary<string, double>> LoadAsync(HttpClient http, Uri serve, IReadOnlyList<string> renderIds, int count, int concurrency, int rep, CancellationToken cancellationToken)
    {
        var latencies = new double[count];
        var errors = 0;
        var accepted = 0;
        var next = -1;
        var url = new Uri(serve, "api/webhooks/heygen");
        var clock = Stopwatch.StartNew();
        async Task WorkerAsync()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var eventId = $"evt_bench_{rep}_{i}_{Guid.NewGuid():N}";
                var body = WebhookFixtures.Body(renderIds[i % renderIds.Count], "vid_not_this_render", eventId);
                using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                foreach (var (name, value) in HeyGen.Client.WebhookSigner.CreateHeaders(body, WebhookFixtures.Secret, TimeProvider.System.GetUtcNow(), eventId))
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
                    else if (text.Contains("accepted", StringComparison.Ordinal))
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
            ["errors"] = errors,
            ["accepted"] = accepted,
        };
    }
}
