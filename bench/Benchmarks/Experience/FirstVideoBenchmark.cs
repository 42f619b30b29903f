using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HeyGen.Emulator;
using HeyGenRender.Benchmarks.Harness;

namespace HeyGenRender.Benchmarks.Experience;

/// <summary>
/// What a user of the command line notices: the time from <c>heygen-render render</c> to a playable video for the
/// sample job, cold (a fresh process with its own Azurite, engine and emulator) and warm (<c>render --server</c> to a
/// running <c>serve</c>); the HeyGen calls a video costs with and without an uploaded asset; and what an idle
/// <c>serve</c> (host plus its Azurite) costs in CPU.
/// </summary>
internal sealed class FirstVideoBenchmark(BenchEnvironment env, RunOptions options)
{
    private const string Sample = "samples/avatar-video.json";
    private const string SampleWithAsset = "samples/avatar-video-background-image.json";

    public async Task RunAsync(Report report, CancellationToken cancellationToken = default)
    {
        report.Heading("5. First video and idle cost");
        var reps = Math.Max(options.Repetitions, options.Quick ? 1 : 3);
        await using var heyGen = await EmulatorHandle.StartAsync(new EmulatorOptions { RenderDuration = TimeSpan.FromSeconds(3), RateLimitPerMinute = 0 }, cancellationToken);
        var clock = Stopwatch.StartNew();
        await using var proxy = await CountingProxy.StartAsync(heyGen.ApiBase, clock);
        proxy.RewriteUrls = true; // the presigned upload PUT and the downloads go through it too, to be counted
        var port = ServeProcess.FreePort();
        var secret = await heyGen.RegisterWebhookAsync(new Uri($"http://127.0.0.1:{port}/api/webhooks/heygen"), cancellationToken);
        var environment = new Dictionary<string, string>
        {
            ["Storage__ConnectionString"] = env.StorageConnectionString,
            ["HeyGen__Endpoint"] = proxy.Address.AbsoluteUri,
            ["Secrets__HeyGenApiKey"] = heyGen.ApiKey,
            ["Secrets__WebhookSecret"] = secret,
            // The emulator takes 3 s for every job, and says so, as the embedded one does for render and serve.
            ["Workflow__RenderTimePerVideoSecond"] = "0",
            ["Workflow__MinExpectedRenderTime"] = "00:00:03",
            ["Workflow__ExpectedRenderTime"] = "00:00:03",
        };
        await using var serve = await ServeProcess.StartAsync(port, environment, cancellationToken);

        // Cold and warm interleaved: each cold run is a new process that starts everything it needs, as on a fresh machine.
        var cold = new List<double>();
        var warm = new List<double>();
        // HeyGen calls per video through the counting proxy: the last warm render (the sample without assets), then the
        // sample with one uploaded image.
        for (var rep = 0; rep < reps; rep++)
        {
            cold.Add(await RenderAsync([Sample], new Dictionary<string, string>(), cancellationToken));
            proxy.Clear();
            warm.Add(await RenderAsync([Sample, "--server", serve.BaseAddress.AbsoluteUri], environment, cancellationToken));
            Console.WriteLine($"  rep {rep + 1}: render to playable video cold {Num.F(cold[^1])} s, warm {Num.F(warm[^1])} s");
        }

        var (plainApi, plainOther) = Count(proxy);
        proxy.Clear();
        await RenderAsync([SampleWithAsset, "--server", serve.BaseAddress.AbsoluteUri], environment, cancellationToken);
        var (assetApi, assetOther) = Count(proxy);
        Console.WriteLine($"  HeyGen calls: {plainApi} API (+{plainOther} other) without assets, {assetApi} API (+{assetOther} other) with one asset");
        await serve.DisposeAsync();

        var idle = options.Quick
            ? await IdleCpuAsync(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), cancellationToken)
            : await IdleCpuAsync(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), cancellationToken);
        Console.WriteLine($"  idle serve: {Num.F(idle.Host)} % host, {Num.F(idle.Azurite)} % Azurite");

        var coldS = Summary.Of(cold);
        var warmS = Summary.Of(warm);
        report.Paragraph(
            $"`heygen-render render {Sample} --out <folder>` timed from process start to exit 0 with `video.mp4` in the folder " +
            "and `ffprobe` reading an h264 stream from it. *Cold*: a new process with the embedded defaults (it starts its own " +
            "Azurite, Durable engine and HeyGen emulator, 3 s renders, webhooks). *Warm*: `render … --server` to a running `serve` " +
            "on the benchmark's Azurite with an emulator that also takes 3 s and sends webhooks. HeyGen calls are counted at a " +
            "proxy in front of that emulator for one render of each sample through `serve`: *API* is `/v3/…`, *other* the " +
            "presigned upload PUT and the file downloads. Idle: `serve` with its own embedded Azurite, no render and no page open, " +
            $"CPU of the host process and of Azurite's over {(options.Quick ? 2 : 60)} s after a {(options.Quick ? 1 : 10)} s settle. {cold.Count} run(s) each, interleaved; min / median / max.");
        report.Table(["figure", "min / median / max", "target", "verdict"],
        [
            ["render to playable video, cold", coldS.Format("0.0") + " s", "", ""],
            ["render to playable video, warm (`--server`)", warmS.Format("0.0") + " s", "", ""],
            ["of which the emulated render", "3.0 s", "", ""],
            ["HeyGen API calls, video without assets", $"{plainApi}", "≤ 3", Report.Verdict(plainApi <= 3)],
            ["HeyGen API calls, video with one uploaded asset", $"{assetApi}", "", ""],
            ["HeyGen calls per uploaded asset (API + presigned PUT)", $"{assetApi - plainApi} + {assetOther - plainOther}", "≤ 3", Report.Verdict(assetApi - plainApi + (assetOther - plainOther) <= 3)],
            ["idle CPU, serve host", Num.F(idle.Host, "0.0") + " % of a core", "", ""],
            ["idle CPU, serve's Azurite", Num.F(idle.Azurite, "0.0") + " % of a core", "", ""],
        ]);
    }

    // /v3 calls, and the rest (upload PUTs, file downloads) apart.
    private static (int Api, int Other) Count(CountingProxy proxy)
    {
        var log = proxy.Requests.ToList();
        var api = log.Count(r => r.Path.StartsWith("/v3/", StringComparison.Ordinal));
        var uploads = log.Count(r => r.Method == "PUT");
        return (api, uploads);
    }

    private async Task<double> RenderAsync(string[] arguments, Dictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var output = Directory.CreateTempSubdirectory("bench-first-video-").FullName;
        try
        {
            // A job of its own each time (a new title), or render would find the last run's and redo nothing; its
            // relative asset paths still resolve, through a link to the samples' assets folder.
            var jobs = Path.Combine(output, "job");
            Directory.CreateDirectory(jobs);
            Directory.CreateSymbolicLink(Path.Combine(jobs, "assets"), Path.Combine(options.RepoRoot, "samples", "assets"));
            var spec = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(options.RepoRoot, arguments[0]), cancellationToken))!;
            spec["title"] = $"{spec["title"]} ({Guid.NewGuid():N})";
            spec.AsObject().Remove("$schema");
            arguments = [Path.Combine(jobs, Path.GetFileName(arguments[0])), .. arguments[1..]];
            await File.WriteAllTextAsync(arguments[0], spec.ToJsonString(), cancellationToken);

            var start = new ProcessStartInfo(CliProcess.Executable()) { WorkingDirectory = options.RepoRoot, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in (string[])["render", .. arguments, "--out", Path.Combine(output, "out")])
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            var clock = Stopwatch.StartNew();
            var (exit, stdout, stderr) = await Child.RunProcessAsync(start, TimeSpan.FromMinutes(5), cancellationToken);
            var text = stdout + stderr;
            var elapsed = clock.Elapsed.TotalSeconds;
            var video = Directory.EnumerateFiles(Path.Combine(output, "out"), "video.mp4", SearchOption.AllDirectories).FirstOrDefault();
            if (exit != 0 || video is null)
            {
                throw new InvalidOperationException($"render {string.Join(' ', arguments)} exited {exit} without a video: {text}");
            }

            var probe = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in new[] { "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name", "-of", "csv=p=0", video })
            {
                probe.ArgumentList.Add(argument);
            }

            var (probeExit, codec, probeError) = await Child.RunProcessAsync(probe, TimeSpan.FromMinutes(1), cancellationToken);
            if (probeExit != 0 || !codec.Contains("h264", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"ffprobe could not read a video stream from {video}: {codec}{probeError}");
            }

            return elapsed;
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(double Host, double Azurite)> IdleCpuAsync(TimeSpan settle, TimeSpan window, CancellationToken cancellationToken)
    {
        // Its own Azurite (no storage configured) and its own emulator, exactly as a user's `serve`.
        await using var serve = await ServeProcess.StartAsync(ServeProcess.FreePort(), new Dictionary<string, string>(), cancellationToken);
        await Task.Delay(settle, cancellationToken);
        var hostBefore = ProcessCpu.OfProcess(serve.ProcessId);
        var treeBefore = ProcessCpu.OfTree(serve.ProcessId);
        await Task.Delay(window, cancellationToken);
        var host = ProcessCpu.OfProcess(serve.ProcessId) - hostBefore;
        var azurite = ProcessCpu.OfTree(serve.ProcessId) - treeBefore - host;
        return (host.TotalSeconds / window.TotalSeconds * 100, azurite.TotalSeconds / window.TotalSeconds * 100);
    }
}
