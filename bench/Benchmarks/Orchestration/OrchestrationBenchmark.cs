using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using HeyGen.Emulator;
using HeyGenRender.Benchmarks.Harness;
using HeyGenRender.LocalAzurite;

namespace HeyGenRender.Benchmarks.Orchestration;

/// <summary>
/// Issue 7, part 4: N avatar-video renders through <c>serve</c> against the emulator (concurrency limit 10, render
/// time T, real time), with webhooks and polling only, against the same N jobs waited for the way HeyGen's CLI waits.
/// Every HeyGen call goes through a counting proxy: calls per video, 429s, and the moment each download starts.
/// </summary>
internal sealed partial class OrchestrationBenchmark(RunOptions options)
{
    private const int ConcurrencyLimit = 10;

    private int Jobs => options.Quick ? 10 : 100;

    private TimeSpan RenderTime => options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(5);

    public async Task RunAsync(Report report, CancellationToken cancellationToken = default)
    {
        report.Heading("4. Orchestration");
        var ideal = Math.Ceiling(Jobs / (double)ConcurrencyLimit) * RenderTime.TotalSeconds;
        report.Paragraph(
            $"{Jobs} avatar-video jobs (no assets), emulator concurrency limit {ConcurrencyLimit}, render time T = {RenderTime.TotalSeconds:0} s of real time " +
            $"(system clock in every process: `serve` runs as its own process, so no shared virtual time), emulator rate limit 600 requests/min. " +
            $"Ideal makespan ⌈{Jobs}/{ConcurrencyLimit}⌉·T = {ideal:0} s. " +
            "`serve` variants: renders started with `POST /api/renders`, workflow option `ConcurrencyLimit` = 10 and `ExpectedRenderTime` = `MinExpectedRenderTime` = T and `RenderTimePerVideoSecond` = 0 (every emulated job takes T), others default. " +
            "*webhooks*: `wait.mode` auto, a webhook endpoint registered with the emulator; *polling only*: `wait.mode` poll, no endpoint. " +
            "*CLI-style*: one independent worker per job (simulated in one process, each with its own HttpClient): create (on 429 wait Retry-After), " +
            "then GET the video with backoff 2 s doubling to 30 s, ±20 % jitter, then GET the video_url. " +
            "Calls counted at a proxy in front of the emulator (`/v3/…` requests; downloads of `video_url` counted apart). " +
            "`serve` reaches its Azurite through counting proxies too (blob, queue, table): they give the storage requests per render, " +
            "split into the Durable engine's (its task hub's queues, tables and blobs) and the pipeline's own blobs, and the moment each result.json is stored, " +
            "so the harness never lists blobs; the makespan ends at the last of those. " +
            "Detection latency: HeyGen completion (create answer + T) to the start of the video download. " +
            $"{(options.Quick ? 1 : options.Repetitions)} run(s) per variant, interleaved; min / median / max over runs.");

        var variants = new[] { "webhooks", "polling", "cli" }.Where(v => options.Variants?.Contains(v) ?? true).ToArray();
        var results = new[] { "webhooks", "polling", "cli" }.ToDictionary(v => v, _ => new List<Dictionary<string, double>>());
        var reps = options.Quick ? 1 : options.Repetitions;
        for (var rep = 0; rep < reps; rep++)
        {
            foreach (var variant in variants)
            {
                Console.WriteLine($"[orchestration] rep {rep + 1} {variant}");
                var figures = await RunVariantAsync(variant, rep, cancellationToken);
                results[variant].Add(figures);
                Console.WriteLine("  " + string.Join(", ", figures.Select(f => $"{f.Key}={Num.F(f.Value)}")));
            }
        }

        Summary S(string variant, string key) => Summary.Of(results[variant].Select(r => r.GetValueOrDefault(key, double.NaN)));
        string Cell(string variant, string key, string format) => S(variant, key).Format(format);
        report.Table(["figure", "serve, webhooks", "serve, polling only", "CLI-style workers", "target (serve, webhooks unless noted)"],
        [
            ["makespan (s)", Cell("webhooks", "makespan_s", "0.0"), Cell("polling", "makespan_s", "0.0"), Cell("cli", "makespan_s", "0.0"), $"≤ 1.10 × {ideal:0} s = {ideal * 1.10:0.0} s"],
            ["makespan ÷ ideal", Cell("webhooks", "makespan_ratio", "0.00"), Cell("polling", "makespan_ratio", "0.00"), Cell("cli", "makespan_ratio", "0.00"), "≤ 1.10"],
            ["429s received", Cell("webhooks", "http_429", "0"), Cell("polling", "http_429", "0"), Cell("cli", "http_429", "0"), $"≤ {Jobs / 10} (one per 10 jobs)"],
            ["HeyGen API calls per video", Cell("webhooks", "calls_per_video", "0.00"), Cell("polling", "calls_per_video", "0.00"), Cell("cli", "calls_per_video", "0.00"), "≤ 3 (no assets)"],
            ["detection latency p50 (s)", Cell("webhooks", "detect_p50_s", "0.00"), Cell("polling", "detect_p50_s", "0.00"), Cell("cli", "detect_p50_s", "0.00"), ""],
            ["detection latency p95 (s)", Cell("webhooks", "detect_p95_s", "0.00"), Cell("polling", "detect_p95_s", "0.00"), Cell("cli", "detect_p95_s", "0.00"), "< 2 s webhooks, < 20 s polling only"],
            ["CPU per render: serve (s)", Cell("webhooks", "serve_cpu_s_per_render", "0.000"), Cell("polling", "serve_cpu_s_per_render", "0.000"), "", "user + system, serve and its children"],
            ["CPU per render: Azurite (s)", Cell("webhooks", "azurite_cpu_s_per_render", "0.000"), Cell("polling", "azurite_cpu_s_per_render", "0.000"), "", ""],
            ["CPU floor ÷ ideal", Cell("webhooks", "cpu_floor_ratio", "0.00"), Cell("polling", "cpu_floor_ratio", "0.00"), "", $"(serve + Azurite CPU) ÷ {Environment.ProcessorCount} cores ÷ ideal: the makespan ratio no scheduling can beat on this machine"],
            ["storage requests per render", Cell("webhooks", "storage_per_render", "0"), Cell("polling", "storage_per_render", "0"), "", "every request serve made to Azurite, engine and pipeline, until the last result"],
            ["of which Durable queue writes", Cell("webhooks", "durable_queue_writes_per_render", "0.0"), Cell("polling", "durable_queue_writes_per_render", "0.0"), "", "messages sent, deleted and made visible again (control and work-item queues)"],
            ["of which Durable queue reads", Cell("webhooks", "durable_queue_reads_per_render", "0.0"), Cell("polling", "durable_queue_reads_per_render", "0.0"), "", "receives, empty polls included"],
            ["of which Durable table writes", Cell("webhooks", "durable_table_writes_per_render", "0.0"), Cell("polling", "durable_table_writes_per_render", "0.0"), "", "history batches and instance-row updates"],
            ["of which Durable table reads", Cell("webhooks", "durable_table_reads_per_render", "0.0"), Cell("polling", "durable_table_reads_per_render", "0.0"), "", "history loads and instance queries"],
            ["of which Durable blobs", Cell("webhooks", "durable_blob_per_render", "0.0"), Cell("polling", "durable_blob_per_render", "0.0"), "", "partition leases and large messages"],
            ["of which the pipeline's blob writes", Cell("webhooks", "pipeline_blob_writes_per_render", "0.0"), Cell("polling", "pipeline_blob_writes_per_render", "0.0"), "", "job spec, output claim, slots, job index, outputs, result.json"],
            ["of which the pipeline's blob reads", Cell("webhooks", "pipeline_blob_reads_per_render", "0.0"), Cell("polling", "pipeline_blob_reads_per_render", "0.0"), "", ""],
            ["storage requests per second, serve idle", Cell("webhooks", "storage_idle_per_s", "0.0"), Cell("polling", "storage_idle_per_s", "0.0"), "", $"the {IdleWindow.TotalSeconds:0} s before the renders start: the engine's polling"],
            ["makespan, start-up (s)", Cell("webhooks", "startup_s", "0.00"), Cell("polling", "startup_s", "0.00"), Cell("cli", "startup_s", "0.00"), $"first render started → the {ConcurrencyLimit}th create: the first slots filled"],
            ["of which starting the renders (s)", Cell("webhooks", "posted_s", "0.00"), Cell("polling", "posted_s", "0.00"), "", $"the {Jobs} `POST /api/renders`, ten at a time, answered"],
            ["Azurite busy in start-up (% of a core)", Cell("webhooks", "azurite_busy_startup_pct", "0"), Cell("polling", "azurite_busy_startup_pct", "0"), "", "its CPU sampled every 250 ms; its JavaScript runs on one thread, so near 100 % it is what the start-up waits on"],
            ["serve busy in start-up (% of a core)", Cell("webhooks", "serve_busy_startup_pct", "0"), Cell("polling", "serve_busy_startup_pct", "0"), "", ""],
            ["Azurite busy after start-up (% of a core)", Cell("webhooks", "azurite_busy_after_pct", "0"), Cell("polling", "azurite_busy_after_pct", "0"), "", $"the {ConcurrencyLimit}th create → HeyGen's last completion"],
            ["serve busy after start-up (% of a core)", Cell("webhooks", "serve_busy_after_pct", "0"), Cell("polling", "serve_busy_after_pct", "0"), "", ""],
            ["machine busy in start-up (% of a core)", Cell("webhooks", "machine_busy_startup_pct", "0"), Cell("polling", "machine_busy_startup_pct", "0"), "", $"all {Environment.ProcessorCount} cores (at most {Environment.ProcessorCount * 100} %): serve, Azurite, and the harness with its emulator and counting proxies"],
            ["machine busy after start-up (% of a core)", Cell("webhooks", "machine_busy_after_pct", "0"), Cell("polling", "machine_busy_after_pct", "0"), "", ""],
            ["makespan, hand-overs (s)", Cell("webhooks", "handover_chain_s", "0.00"), Cell("polling", "handover_chain_s", "0.00"), Cell("cli", "handover_chain_s", "0.00"), $"→ HeyGen's last completion, less start-up and {Math.Ceiling(Jobs / (double)ConcurrencyLimit):0}·T: what slots stood idle between jobs"],
            ["makespan, tail (s)", Cell("webhooks", "tail_s", "0.00"), Cell("polling", "tail_s", "0.00"), Cell("cli", "tail_s", "0.00"), "HeyGen's last completion → the last result stored (its detection, download, manifest)"],
            ["slot hand-over p50 (s)", Cell("webhooks", "handover_p50_s", "0.00"), Cell("polling", "handover_p50_s", "0.00"), Cell("cli", "handover_p50_s", "0.00"), "HeyGen completion → next create"],
            ["slot hand-over p95 (s)", Cell("webhooks", "handover_p95_s", "0.00"), Cell("polling", "handover_p95_s", "0.00"), Cell("cli", "handover_p95_s", "0.00"), ""],
            ["videos stored / completed", Cell("webhooks", "completed", "0"), Cell("polling", "completed", "0"), Cell("cli", "completed", "0"), $"{Jobs}"],
        ]);

        List<IReadOnlyList<string>> verdicts =
        [
            ["makespan ≤ 1.10× ideal (webhooks)", Report.Verdict(Met(S("webhooks", "makespan_ratio"), v => v <= 1.10))],
            ["≤ one 429 per 10 jobs (webhooks)", Report.Verdict(Met(S("webhooks", "http_429"), v => v <= Jobs / 10.0))],
            ["API calls per video ≤ 3 (webhooks)", Report.Verdict(Met(S("webhooks", "calls_per_video"), v => v <= 3))],
            ["detection p95 < 2 s (webhooks)", Report.Verdict(Met(S("webhooks", "detect_p95_s"), v => v < 2))],
            ["detection p95 < 20 s (polling only)", Report.Verdict(Met(S("polling", "detect_p95_s"), v => v < 20))],
        ];
        report.Table(["target", "verdict (on the median run)"], verdicts);
    }

    private static bool? Met(Summary summary, Func<double, bool> rule) => summary.Count == 0 ? null : rule(summary.Median);

    private async Task<Dictionary<string, double>> RunVariantAsync(string variant, int rep, CancellationToken cancellationToken)
    {
        await using var heyGen = await EmulatorHandle.StartAsync(new EmulatorOptions
        {
            RenderDuration = RenderTime,
            MaxConcurrentJobs = ConcurrencyLimit,
            RateLimitPerMinute = 600,
            WebhookRetryBaseDelay = TimeSpan.FromSeconds(1),
        }, cancellationToken);
        var clock = Stopwatch.StartNew();
        await using var proxy = await CountingProxy.StartAsync(heyGen.ApiBase, clock);
        proxy.RewriteUrls = true;
        await using var cpu = new CpuTimeline(clock);
        var figures = variant == "cli"
            ? await RunCliStyleAsync(proxy.Address, heyGen.ApiKey, clock, cancellationToken)
            : await RunServeAsync(variant, rep, heyGen, proxy, clock, cpu, cancellationToken);
        Analyse(proxy.Requests, figures);
        Decompose(figures);
        if (variant != "cli")
        {
            // How busy serve and Azurite were while the first slots filled, and after: is start-up waiting on the machine?
            var started = figures["started_at_s"];
            var firstRound = figures["first_round_created_at_s"];
            figures["azurite_busy_startup_pct"] = cpu.BusyPercent("azurite", started, firstRound);
            figures["serve_busy_startup_pct"] = cpu.BusyPercent("serve", started, firstRound);
            figures["azurite_busy_after_pct"] = cpu.BusyPercent("azurite", firstRound, figures["last_completion_at_s"]);
            figures["serve_busy_after_pct"] = cpu.BusyPercent("serve", firstRound, figures["last_completion_at_s"]);
            figures["machine_busy_startup_pct"] = cpu.BusyPercent("machine", started, firstRound);
            figures["machine_busy_after_pct"] = cpu.BusyPercent("machine", firstRound, figures["last_completion_at_s"]);
        }
        if (variant == "webhooks")
        {
            // Deliveries serve did not answer 2xx: each costs a retry (1 s, 2 s, 4 s … later) on the detection path.
            var deliveries = heyGen.Host.State.Deliveries;
            figures["webhook_deliveries"] = deliveries.Count;
            figures["webhook_failed_deliveries"] = deliveries.Count(d => !d.Succeeded);
            foreach (var failed in deliveries.Where(d => !d.Succeeded).GroupBy(d => d.StatusCode))
            {
                Console.WriteLine($"  webhook deliveries answered {failed.Key?.ToString(CultureInfo.InvariantCulture) ?? "nothing"}: {failed.Count()}");
            }
        }

        return figures;
    }

    private async Task<Dictionary<string, double>> RunServeAsync(string variant, int rep, EmulatorHandle heyGen, CountingProxy proxy, Stopwatch clock, CpuTimeline cpu, CancellationToken cancellationToken)
    {
        var port = ServeProcess.FreePort();
        var secret = "whsec_unused_in_polling_mode_0123456789";
        if (variant == "webhooks")
        {
            secret = await heyGen.RegisterWebhookAsync(new Uri($"http://127.0.0.1:{port}/api/webhooks/heygen"), cancellationToken);
        }

        // Each run its own Azurite: the engine's cost grows with the history an account already holds, so a run after
        // another would measure the one before. And its own renders container, so no run's outputs are taken for another's.
        await using var azurite = await AzuriteServer.StartAsync(new AzuriteOptions { InstallRoot = options.RepoRoot }, cancellationToken: cancellationToken);
        await using var storage = await StorageProxies.StartAsync(azurite.Endpoints, clock);
        var container = $"renders-{variant}-{rep}-{Guid.NewGuid().ToString("N")[..8]}";
        await using var serve = await ServeProcess.StartAsync(port, new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = storage.ConnectionString,
            ["Storage__RendersContainer"] = container,
            ["HeyGen__Endpoint"] = proxy.Address.AbsoluteUri,
            ["Secrets__HeyGenApiKey"] = heyGen.ApiKey,
            ["Secrets__WebhookSecret"] = secret,
            ["Workflow__ConcurrencyLimit"] = ConcurrencyLimit.ToString(CultureInfo.InvariantCulture),
            ["Workflow__ExpectedRenderTime"] = RenderTime.ToString("c", CultureInfo.InvariantCulture),
            ["Workflow__MinExpectedRenderTime"] = RenderTime.ToString("c", CultureInfo.InvariantCulture),
            ["Workflow__RenderTimePerVideoSecond"] = "0",
        }, cancellationToken);

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var renders = new RenderClient(http, serve.BaseAddress);
        // serve idle first: what the engine's polling costs with nothing to do.
        storage.Clear();
        var idleFrom = clock.Elapsed;
        await Task.Delay(IdleWindow, cancellationToken);
        var idleRequests = storage.Blob.Requests.Count + storage.Queue.Requests.Count + storage.Table.Requests.Count;
        var idleSeconds = (clock.Elapsed - idleFrom).TotalSeconds;
        storage.Clear();
        proxy.Clear();
        var azuritePid = azurite.ProcessId ?? throw new InvalidOperationException("The run's Azurite was not started by it.");
        var serveCpuBefore = ProcessCpu.OfTree(serve.ProcessId);
        var azuriteCpuBefore = ProcessCpu.OfTree(azuritePid);
        cpu.Start(TimeSpan.FromMilliseconds(250), ("serve", serve.ProcessId), ("azurite", azuritePid), ("machine", CpuTimeline.Machine));
        var started = clock.Elapsed;
        var ids = new List<string>();
        var spec = RenderClient.AvatarSpec("orchestration benchmark", variant == "webhooks" ? "auto" : "poll", container);
        foreach (var chunk in Enumerable.Range(0, Jobs).Chunk(10))
        {
            ids.AddRange(await Task.WhenAll(chunk.Select(i => renders.StartAsync(spec, $"bench-{variant}-{rep}-{i}-{Guid.NewGuid():N}", cancellationToken))));
        }

        var posted = clock.Elapsed - started;

        // Done when every render has stored result.json or error.json under its id in the renders container: the
        // moment Azurite answered that PUT, as the blob proxy saw it (no listing, which would load Azurite itself).
        var finished = new Dictionary<string, (TimeSpan At, bool Ok)>();
        var documents = DocumentPath(container);
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(RenderTime.TotalSeconds * Jobs / ConcurrencyLimit * 4 + 120);
        while (finished.Count < ids.Count && clock.Elapsed < deadline)
        {
            await Task.Delay(100, cancellationToken);
            foreach (var put in storage.Blob.Requests.Where(r => r.Method == "PUT" && r.Status == 201))
            {
                if (documents.Match(put.Path) is { Success: true } match)
                {
                    finished.TryAdd(match.Groups["id"].Value, (put.FinishedAt, match.Groups["doc"].Value == "result"));
                }
            }
        }

        if (finished.Count < ids.Count)
        {
            Console.WriteLine($"  {ids.Count - finished.Count} renders unfinished at the deadline; serve said:\n{serve.OutputTail}");
        }

        if (Environment.GetEnvironmentVariable("BENCH_SERVE_LOG") == "1")
        {
            Console.WriteLine($"  serve's last warnings and errors:\n{serve.OutputTail}");
        }

        await cpu.DisposeAsync();
        var makespan = (finished.Count == 0 ? clock.Elapsed : finished.Values.Max(f => f.At)) - started;
        var serveCpu = (ProcessCpu.OfTree(serve.ProcessId) - serveCpuBefore).TotalSeconds;
        var azuriteCpu = (ProcessCpu.OfTree(azuritePid) - azuriteCpuBefore).TotalSeconds;
        var figures = new Dictionary<string, double>
        {
            // CPU the workflow costs on this machine (serve and its storage): what bounds the makespan when the cores are busy.
            ["serve_cpu_s_per_render"] = serveCpu / Jobs,
            ["azurite_cpu_s_per_render"] = azuriteCpu / Jobs,
            ["cpu_floor_ratio"] = (serveCpu + azuriteCpu) / Environment.ProcessorCount / (Math.Ceiling(Jobs / (double)ConcurrencyLimit) * RenderTime.TotalSeconds),
            ["makespan_s"] = makespan.TotalSeconds,
            ["makespan_ratio"] = makespan.TotalSeconds / (Math.Ceiling(Jobs / (double)ConcurrencyLimit) * RenderTime.TotalSeconds),
            ["started_at_s"] = started.TotalSeconds,
            ["posted_s"] = posted.TotalSeconds,
            ["completed"] = finished.Values.Count(f => f.Ok),
            ["failed"] = finished.Values.Count(f => !f.Ok),
            ["storage_idle_per_s"] = idleRequests / idleSeconds,
        };
        AnalyseStorage(storage, serve.TaskHub, started + makespan, figures);
        return figures;
    }

    private TimeSpan IdleWindow => options.Quick ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(10);

    /// <summary><c>/devstoreaccount1/{container}/{render id}/result.json</c> (or error.json), query aside.</summary>
    private static Regex DocumentPath(string container) =>
        new($"^/{AzuriteServer.AccountName}/{Regex.Escape(container)}/(?<id>[^/?]+)/(?<doc>result|error)\\.json(?:\\?|$)", RegexOptions.CultureInvariant);

    /// <summary>
    /// What serve asked of storage per render, from the proxies' logs up to the last result: the Durable engine's
    /// queues, tables and blobs (named after its task hub; its history batches go to <c>$batch</c>) apart from the
    /// pipeline's own blobs (jobs, slots, outputs, results). A receive that finds no message is counted as a read too.
    /// </summary>
    private void AnalyseStorage(StorageProxies storage, string taskHub, TimeSpan until, Dictionary<string, double> figures)
    {
        bool Durable(string path)
        {
            var name = path.Split('/', 4) is { Length: > 2 } parts ? parts[2] : "";
            return name.StartsWith(taskHub, StringComparison.OrdinalIgnoreCase) || name.StartsWith("$batch", StringComparison.Ordinal);
        }

        static bool Read(ProxiedRequest r) => r.Method is "GET" or "HEAD";
        List<ProxiedRequest> Of(CountingProxy proxy) => [.. proxy.Requests.Where(r => r.StartedAt <= until)];
        var blobs = Of(storage.Blob);
        var queues = Of(storage.Queue);
        var tables = Of(storage.Table);

        // BENCH_STORAGE_LOG_FILE: every request of the run appended to this file (service, start, method, status, target).
        if (Environment.GetEnvironmentVariable("BENCH_STORAGE_LOG_FILE") is { Length: > 0 } file)
        {
            File.AppendAllLines(file, new[] { ("blob", blobs), ("queue", queues), ("table", tables) }
                .SelectMany(s => s.Item2.Select(r => (Service: s.Item1, Request: r)))
                .OrderBy(x => x.Request.StartedAt)
                .Select(x => FormattableString.Invariant($"{x.Service}\t{x.Request.StartedAt.TotalSeconds:0.000}\t{x.Request.Method}\t{x.Request.Status}\t{x.Request.Path}")));
        }

        double PerRender(int count) => count / (double)Jobs;
        figures["storage_per_render"] = PerRender(blobs.Count + queues.Count + tables.Count);
        figures["durable_queue_writes_per_render"] = PerRender(queues.Count(r => Durable(r.Path) && !Read(r)));
        figures["durable_queue_reads_per_render"] = PerRender(queues.Count(r => Durable(r.Path) && Read(r)));
        figures["durable_table_writes_per_render"] = PerRender(tables.Count(r => Durable(r.Path) && !Read(r)));
        figures["durable_table_reads_per_render"] = PerRender(tables.Count(r => Durable(r.Path) && Read(r)));
        figures["durable_blob_per_render"] = PerRender(blobs.Count(r => Durable(r.Path)));
        figures["pipeline_blob_writes_per_render"] = PerRender(blobs.Count(r => !Durable(r.Path) && !Read(r)));
        figures["pipeline_blob_reads_per_render"] = PerRender(blobs.Count(r => !Durable(r.Path) && Read(r)));
        figures["other_storage_per_render"] = PerRender(queues.Count(r => !Durable(r.Path)) + tables.Count(r => !Durable(r.Path)));
    }

    /// <summary>One worker per job, each on its own, as separate <c>heygen video create … --wait</c> processes would be.</summary>
    private async Task<Dictionary<string, double>> RunCliStyleAsync(Uri api, string apiKey, Stopwatch clock, CancellationToken cancellationToken)
    {
        var started = clock.Elapsed;
        var done = new TimeSpan[Jobs];
        var ok = 0;
        async Task WorkerAsync(int index)
        {
            using var http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
            var random = new Random(index);
            string? videoId = null;
            while (videoId is null)
            {
                using var create = await http.PostAsJsonAsync("v3/videos", new JsonObject
                {
                    ["type"] = "avatar",
                    ["avatar_id"] = "look_emulator_anna_office",
                    ["script"] = "Hello! This is a benchmark render of the pipeline.",
                    ["title"] = "cli-style " + index.ToString(CultureInfo.InvariantCulture),
                }, cancellationToken);
                if ((int)create.StatusCode == 429)
                {
                    await Task.Delay(RetryAfter(create, random), cancellationToken);
                    continue;
                }

                create.EnsureSuccessStatusCode();
                var data = (await create.Content.ReadFromJsonAsync<JsonNode>(cancellationToken))!["data"]!;
                videoId = (data["video_id"] ?? data["id"])!.GetValue<string>();
            }

            var delay = TimeSpan.FromSeconds(2);
            while (true)
            {
                await Task.Delay(delay * (0.8 + (0.4 * random.NextDouble())), cancellationToken);
                using var get = await http.GetAsync($"v3/videos/{videoId}", cancellationToken);
                if ((int)get.StatusCode == 429)
                {
                    await Task.Delay(RetryAfter(get, random), cancellationToken);
                    continue;
                }

                get.EnsureSuccessStatusCode();
                var video = (await get.Content.ReadFromJsonAsync<JsonNode>(cancellationToken))!["data"]!;
                var status = video["status"]?.GetValue<string>();
                if (status == "completed")
                {
                    using var download = await http.GetAsync(video["video_url"]!.GetValue<string>(), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    await (await download.Content.ReadAsStreamAsync(cancellationToken)).CopyToAsync(Stream.Null, cancellationToken);
                    done[index] = clock.Elapsed;
                    Interlocked.Increment(ref ok);
                    return;
                }

                if (status == "failed")
                {
                    done[index] = clock.Elapsed;
                    return;
                }

                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Jobs).Select(i => Task.Run(() => WorkerAsync(i), cancellationToken)));
        var makespan = done.Max() - started;
        return new Dictionary<string, double>
        {
            ["makespan_s"] = makespan.TotalSeconds,
            ["makespan_ratio"] = makespan.TotalSeconds / (Math.Ceiling(Jobs / (double)ConcurrencyLimit) * RenderTime.TotalSeconds),
            ["started_at_s"] = started.TotalSeconds,
            ["completed"] = ok,
        };
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response, Random random) =>
        (response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1)) + TimeSpan.FromMilliseconds(random.Next(0, 250));

    /// <summary>Calls, 429s and detection latency from the proxy's log.</summary>
    private void Analyse(IReadOnlyCollection<ProxiedRequest> log, Dictionary<string, double> figures)
    {
        var api = log.Where(r => r.Path.StartsWith("/v3/", StringComparison.Ordinal)).ToList();
        figures["api_calls"] = api.Count;
        figures["http_429"] = api.Count(r => r.Status == 429);
        figures["calls_per_video"] = api.Count / (double)Jobs;
        figures["creates"] = api.Count(r => r.Method == "POST" && r.Path.StartsWith("/v3/videos", StringComparison.Ordinal));

        var completions = new Dictionary<string, TimeSpan>();
        foreach (var create in api.Where(r => r.Method == "POST" && r.Path.StartsWith("/v3/videos", StringComparison.Ordinal) && r.Status is >= 200 and < 300 && r.ResponseHead is not null))
        {
            if (VideoId().Match(create.ResponseHead!) is { Success: true } match)
            {
                completions.TryAdd(match.Groups[1].Value, create.FinishedAt + RenderTime);
            }
        }

        var latencies = new List<double>();
        foreach (var group in log.Where(r => r.Method == "GET" && r.Path.StartsWith("/_files/video/", StringComparison.Ordinal) && r.Path.Contains("/video.mp4", StringComparison.Ordinal))
                     .GroupBy(r => r.Path.Split('/')[3]))
        {
            if (completions.TryGetValue(group.Key, out var completedAt))
            {
                latencies.Add((group.Min(r => r.StartedAt) - completedAt).TotalSeconds);
            }
        }

        // Slot hand-over: with slots handed on in order, the k-th create after the first ten waits for the k-th completion.
        // Its delay is the part of every queued render's wait the workflow adds (ideal: 0).
        var createStarts = api.Where(r => r.Method == "POST" && r.Path.StartsWith("/v3/videos", StringComparison.Ordinal) && r.Status is >= 200 and < 300)
            .Select(r => r.StartedAt).Order().ToList();
        var completed = completions.Values.Order().ToList();
        var handovers = createStarts.Skip(ConcurrencyLimit).Select((start, k) => k < completed.Count ? (start - completed[k]).TotalSeconds : double.NaN)
            .Where(d => !double.IsNaN(d)).Order().ToList();
        figures["handover_p50_s"] = Percentiles.Of(handovers, 50);
        figures["first_round_created_at_s"] = createStarts.Count >= ConcurrencyLimit ? createStarts[ConcurrencyLimit - 1].TotalSeconds : double.NaN;
        figures["last_completion_at_s"] = completed.Count > 0 ? completed[^1].TotalSeconds : double.NaN;
        figures["handover_p95_s"] = Percentiles.Of(handovers, 95);

        // Detection in two parts: completion → the GET that confirms it (webhook or poll, dispatch, the render's episode,
        // the activity), and that GET → the download's first request (the next episode and activity).
        var toConfirm = new List<double>();
        var confirmToDownload = new List<double>();
        foreach (var (videoId, completedAt) in completions)
        {
            var confirm = api.Where(r => r.Method == "GET" && r.Path == "/v3/videos/" + videoId && r.StartedAt >= completedAt - TimeSpan.FromSeconds(1))
                .OrderBy(r => r.StartedAt).FirstOrDefault();
            var download = log.Where(r => r.Method == "GET" && r.Path.StartsWith("/_files/video/" + videoId + "/", StringComparison.Ordinal)).OrderBy(r => r.StartedAt).FirstOrDefault();
            if (confirm is not null && download is not null)
            {
                if (Environment.GetEnvironmentVariable("BENCH_SERVE_LOG") == "1" && (confirm.StartedAt - completedAt).TotalSeconds > 1)
                {
                    Console.WriteLine($"  slow confirm: {videoId} completed at {completedAt.TotalSeconds:0.00} s, confirmed {(confirm.StartedAt - completedAt).TotalSeconds:0.00} s later");
                }

                toConfirm.Add((confirm.StartedAt - completedAt).TotalSeconds);
                confirmToDownload.Add((download.StartedAt - confirm.StartedAt).TotalSeconds);
            }
        }

        toConfirm.Sort();
        confirmToDownload.Sort();
        figures["confirm_p50_s"] = Percentiles.Of(toConfirm, 50);
        figures["confirm_p95_s"] = Percentiles.Of(toConfirm, 95);
        figures["confirm_to_download_p50_s"] = Percentiles.Of(confirmToDownload, 50);
        figures["confirm_to_download_p95_s"] = Percentiles.Of(confirmToDownload, 95);

        latencies.Sort();
        figures["detect_p50_s"] = Percentiles.Of(latencies, 50);
        figures["detect_p95_s"] = Percentiles.Of(latencies, 95);
        figures["detected"] = latencies.Count;
    }

    /// <summary>
    /// The makespan in three parts that add up to it: start-up (until the first round's creates), the time slots stood
    /// idle between a completion and the next create on the way to HeyGen's last completion, and the tail after it.
    /// </summary>
    private void Decompose(Dictionary<string, double> figures)
    {
        var started = figures["started_at_s"];
        var startup = figures["first_round_created_at_s"] - started;
        var toLastCompletion = figures["last_completion_at_s"] - started;
        figures["startup_s"] = startup;
        figures["handover_chain_s"] = toLastCompletion - startup - (Math.Ceiling(Jobs / (double)ConcurrencyLimit) * RenderTime.TotalSeconds);
        figures["tail_s"] = figures["makespan_s"] - toLastCompletion;
    }

    [GeneratedRegex("\"(?:video_id|id)\"\\s*:\\s*\"(vid_[0-9a-f]+)\"")]
    private static partial Regex VideoId();
}
