using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Benchmarks.Harness;

namespace HeyGenRender.Benchmarks.Transfers;

/// <summary>
/// Issue 7, parts 1 and 2: blob → HeyGen direct upload and HeyGen video_url → blob, each through the pipeline's
/// activity, against a curl pipe over the same path (throughput) and a buffering implementation (peak RSS), at a
/// small and a large size, variants interleaved in every repetition.
/// </summary>
internal sealed class TransferBenchmark(BenchEnvironment env, RunOptions options)
{
    /// <summary>The pipeline's upload of a source blob that carries its <c>sha256</c> metadata (one read instead of two).</summary>
    private const string PipelineSha256 = "pipeline-sha256";

    /// <summary>The size of the uncounted transfer each child makes first (see <see cref="TransferChild"/>).</summary>
    private const long WarmupBytes = 1024 * 1024;

    private static string WarmupBlob(object index) => $"warmup-{index}.mp4";

    /// <summary>Warm-up transfers per child: enough calls for tier-1 compilation (none in a smoke run, which times nothing).</summary>
    private long Warmups => options.Quick ? 0 : 32;

    private (string VideoId, Uri VideoUrl) _warmupVideo;

    private static readonly string[] s_uploadVariants = ["pipeline", PipelineSha256, "curl", "buffered"];
    private static readonly string[] s_downloadVariants = ["pipeline", "curl", "buffered"];

    private static string Display(string variant) => variant == PipelineSha256 ? "pipeline (sha256 metadata)" : variant;

    public async Task RunAsync(Report report, CancellationToken cancellationToken = default)
    {
        report.Heading("1–2. Transfers: blob → HeyGen direct upload, HeyGen video_url → blob");
        report.Paragraph(
            $"Sizes {Num.F(Num.Mib(options.SmallBytes), "0")} MiB and {Num.F(Num.Mib(options.LargeBytes), "0")} MiB, {options.Repetitions} repetitions, " +
            "variants interleaved in each (pipeline, pipeline (sha256 metadata) for the upload, curl, buffered at the large size, then the same at the small size). " +
            "Every variant runs in its own child process; peak RSS is that process's VmHWM. " +
            "`pipeline` calls the pipeline's activity; for the upload its source blob has no `sha256` metadata, so the activity hashes the bytes " +
            "as they stream into the PUT and sends the hash at complete, while `pipeline (sha256 metadata)` uploads a copy that carries it as the CLI " +
            "writes it (key `sha256`, lowercase hex) and declares it at initialize; both read the blob once. `curl` is `curl GET | curl -T - PUT` over the same URLs " +
            "(blob SAS from the SDK; init and complete of the direct upload done with plain HTTP calls, timed too); " +
            "`buffered` reads the whole source into memory and PUTs the buffer. " +
            (Warmups > 0
                ? $"Each child first makes {Warmups} uncounted {Num.F(Num.Mib(WarmupBytes), "0")} MiB transfers of its own variant and waits until the JIT has been quiet for 0.5 s " +
                  "(a long-running host has its code compiled, tier 1 included); "
                : "No warm-up transfers (a smoke run): the children's JIT is counted; ") +
            "time and CPU then cover the whole transfer including the direct upload's init and complete calls.");
        foreach (var direction in new[] { "upload", "download" }.Where(options.IncludesDirection))
        {
            await RunDirectionAsync(report, direction, cancellationToken);
        }
    }

    private async Task RunDirectionAsync(Report report, string direction, CancellationToken cancellationToken)
    {
        var title = direction == "upload" ? "Blob → HeyGen direct upload (Azurite → emulator presigned PUT)" : "HeyGen video_url → blob (emulator synthetic video → Azurite)";
        report.SubHeading(title);
        Console.WriteLine($"[transfers] {direction}");
        var sizes = new[] { options.LargeBytes, options.SmallBytes };
        var variants = direction == "upload" ? s_uploadVariants : s_downloadVariants;
        var sources = new Dictionary<long, string>();
        var videoIds = new Dictionary<long, string>();
        if (direction == "upload")
        {
            for (var i = 0; i < Warmups; i++)
            {
                var warmup = WarmupBlob(i);
                // Content of its own per warm-up: identical content would be reused by hash after the first, not uploaded.
                await Storage.CreateSourceBlobAsync(env.StorageConnectionString, "bench-source", warmup, WarmupBytes, seed: 100 + (ulong)i, cancellationToken: cancellationToken);
                await Storage.CreateSourceBlobAsync(env.StorageConnectionString, "bench-source", Sha256Blob(warmup), WarmupBytes, withSha256: true, seed: 100 + (ulong)i, cancellationToken);
            }
        }
        else
        {
            _warmupVideo = await env.Emulator.CreateVideoAsync(WarmupBytes, cancellationToken);
        }

        foreach (var size in sizes)
        {
            if (direction == "upload")
            {
                var blob = $"source-{size}.mp4";
                await Storage.CreateSourceBlobAsync(env.StorageConnectionString, "bench-source", blob, size, cancellationToken: cancellationToken);
                await Storage.CreateSourceBlobAsync(env.StorageConnectionString, "bench-source", Sha256Blob(blob), size, withSha256: true, cancellationToken: cancellationToken);
                sources[size] = blob;
            }
            else
            {
                var (videoId, url) = await env.Emulator.CreateVideoAsync(size, cancellationToken);
                sources[size] = url.AbsoluteUri;
                videoIds[size] = videoId;
            }
        }

        var results = new Dictionary<(string Variant, long Size), List<Dictionary<string, double>>>();
        var missing = new Dictionary<string, string>();
        for (var rep = 1; rep <= options.Repetitions; rep++)
        {
            foreach (var size in sizes)
            {
                foreach (var variant in variants)
                {
                    if (missing.ContainsKey(variant))
                    {
                        continue;
                    }

                    try
                    {
                        var figures = await RunOneAsync(direction, variant, size, sources[size], videoIds.GetValueOrDefault(size), rep, cancellationToken);
                        (results.TryGetValue((variant, size), out var list) ? list : results[(variant, size)] = []).Add(figures);
                        Console.WriteLine($"  rep {rep} {Display(variant),-26} {Num.F(Num.Mib(size), "0"),5} MiB: {Num.F(size / figures["seconds"] / 1048576, "0.0")} MiB/s, CPU {Num.F(figures["cpu_seconds"], "0.00")} s, Azurite {Num.F(figures["azurite_timed_cpu_seconds"], "0.00")} s, emulator {Num.F(figures["emulator_timed_cpu_seconds"], "0.00")} s, peak RSS {Num.F(Num.Mib((long)figures["peak_rss_bytes"]), "0")} MiB, allocated {Num.F(Num.Mib((long)figures.GetValueOrDefault("allocated_bytes")), "0")} MiB, GC committed {Num.F(Num.Mib((long)figures.GetValueOrDefault("gc_committed_bytes")), "0")} MiB, gen0 GCs {figures.GetValueOrDefault("gen0_collections")}, threads {figures.GetValueOrDefault("threads")}, RssAnon at end {Num.F(Num.Mib((long)figures.GetValueOrDefault("rss_anon_bytes")), "0")} MiB");
                    }
                    catch (InvalidOperationException e) when (e.Message.Contains("Not yet in src/Pipeline", StringComparison.Ordinal))
                    {
                        var line = e.Message.Split('\n').First(l => l.Contains("Not yet in src/Pipeline", StringComparison.Ordinal));
                        missing[variant] = line[line.IndexOf("Not yet", StringComparison.Ordinal)..].Trim();
                        Console.WriteLine($"  {variant}: {missing[variant]}");
                    }
                }
            }
        }

        WriteDirection(report, variants, results, missing);
    }

    private async Task<Dictionary<string, double>> RunOneAsync(string direction, string variant, long size, string source, string? videoId, int rep, CancellationToken cancellationToken)
    {
        var args = new List<string>
        {
            direction, "--variant", variant, "--size", Child.Arg(size), "--connection", env.StorageConnectionString,
            "--api", env.Emulator.ApiBase.AbsoluteUri, "--api-key", env.Emulator.ApiKey,
        };
        string? target = null;
        if (direction == "upload")
        {
            // Forget earlier uploads (and their idempotency keys) so every variant really sends the bytes.
            env.Emulator.Host.Reset();
            args.AddRange(["--container", "bench-source", "--blob", variant == PipelineSha256 ? Sha256Blob(source) : source]);
            args.AddRange(["--warmups", Child.Arg(Warmups), "--warmup-size", Child.Arg(WarmupBytes), "--warmup-blob-format", variant == PipelineSha256 ? Sha256Blob(WarmupBlob("{0}")) : WarmupBlob("{0}")]);
        }
        else
        {
            target = $"{variant}-{rep}-{size}/video.mp4";
            await new BlobContainerClient(env.StorageConnectionString, "bench-target").CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            args.AddRange(["--container", "bench-target", "--blob", target, "--video-url", source, "--video-id", videoId!]);
            args.AddRange(["--warmups", Child.Arg(Warmups), "--warmup-size", Child.Arg(WarmupBytes), "--warmup-video-id", _warmupVideo.VideoId, "--warmup-video-url", _warmupVideo.VideoUrl.AbsoluteUri]);
        }

        // The servers' side of the same timed transfer, sampled by the child: Azurite's process tree, and this process,
        // which hosts the emulator.
        var azuritePid = env.Azurite.ProcessId ?? throw new InvalidOperationException("The benchmark's Azurite was not started by it.");
        args.AddRange(["--azurite-pid", Child.Arg(azuritePid), "--emulator-pid", Child.Arg(Environment.ProcessId)]);
        var figures = await Child.RunAsync(args, TimeSpan.FromMinutes(15), cancellationToken);
        if (target is not null)
        {
            // The copy must be whole; then drop it so Azurite's disk does not fill up over repetitions.
            var blob = new BlobClient(env.StorageConnectionString, "bench-target", target);
            var length = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.ContentLength;
            if (length != size)
            {
                throw new InvalidOperationException($"{variant} wrote {length} bytes to {target}, expected {size}.");
            }

            await foreach (var item in new BlobContainerClient(env.StorageConnectionString, "bench-target").GetBlobsAsync(new GetBlobsOptions { Prefix = target[..(target.IndexOf('/') + 1)] }, cancellationToken))
            {
                await new BlobContainerClient(env.StorageConnectionString, "bench-target").DeleteBlobIfExistsAsync(item.Name, cancellationToken: cancellationToken);
            }
        }

        return figures;
    }

    /// <summary>The copy of a source blob that carries its <c>sha256</c> metadata.</summary>
    private static string Sha256Blob(string blob) => Path.GetFileNameWithoutExtension(blob) + "-sha256" + Path.GetExtension(blob);

    private void WriteDirection(Report report, string[] variants, Dictionary<(string Variant, long Size), List<Dictionary<string, double>>> results, Dictionary<string, string> missing)
    {
        double Throughput(Dictionary<string, double> f) => f["bytes"] / f["seconds"] / 1048576;
        double Rss(Dictionary<string, double> f) => Num.Mib((long)f["peak_rss_bytes"]);
        double CpuPerGib(Dictionary<string, double> f) => f.TryGetValue("cpu_seconds", out var cpu) ? cpu / (f["bytes"] / (1024.0 * 1024 * 1024)) : double.NaN;
        double PerGib(Dictionary<string, double> f, string key) => f.TryGetValue(key, out var cpu) ? cpu / (f["bytes"] / (1024.0 * 1024 * 1024)) : double.NaN;
        double AzuriteBusy(Dictionary<string, double> f) => f.TryGetValue("azurite_timed_cpu_seconds", out var cpu) ? cpu / f["seconds"] * 100 : double.NaN;
        List<Dictionary<string, double>> Runs(string variant, long size) => results.TryGetValue((variant, size), out var list) ? list : [];

        var large = options.LargeBytes;
        var small = options.SmallBytes;
        var rows = new List<IReadOnlyList<string>>();
        foreach (var variant in variants)
        {
            if (missing.TryGetValue(variant, out var why))
            {
                rows.Add([Display(variant), "missing", "missing", "missing", "missing", "missing", "missing", "missing", why]);
                continue;
            }

            rows.Add(
            [
                Display(variant),
                Summary.Of(Runs(variant, large).Select(Throughput)).Format("0.0"),
                Summary.Of(Runs(variant, small).Select(Throughput)).Format("0.0"),
                variant == "curl" ? "(harness process, not curl)" : Summary.Of(Runs(variant, small).Select(Rss)).Format("0"),
                variant == "curl" ? "" : Summary.Of(Runs(variant, large).Select(Rss)).Format("0"),
                Summary.Of(Runs(variant, large).Select(CpuPerGib)).Format("0.0"),
                Summary.Of(Runs(variant, large).Select(f => PerGib(f, "azurite_timed_cpu_seconds"))).Format("0.0"),
                Summary.Of(Runs(variant, large).Select(AzuriteBusy)).Format("0"),
                Summary.Of(Runs(variant, large).Select(f => PerGib(f, "emulator_timed_cpu_seconds"))).Format("0.0"),
            ]);
        }

        var largeLabel = Num.F(Num.Mib(large), "0") + " MiB";
        var smallLabel = Num.F(Num.Mib(small), "0") + " MiB";
        report.Paragraph("min / median / max over repetitions");
        report.Paragraph(
            "CPU: user + system seconds of the variant's process per GiB moved over the timed transfer, with the curl pipe's two curl processes for the baseline. " +
            "Azurite and emulator CPU: the same over the same timed transfer for Azurite's process tree and for the harness, which hosts the emulator; " +
            "Azurite busy is its CPU over the transfer's wall time (its JavaScript runs on one thread, so near 100 % it is what limits the transfer). The two cores are shared by all of them.");
        report.Table(["variant", $"throughput {largeLabel} (MiB/s)", $"throughput {smallLabel} (MiB/s)", $"peak RSS {smallLabel} (MiB)", $"peak RSS {largeLabel} (MiB)", $"CPU per GiB at {largeLabel} (s)", $"Azurite CPU per GiB at {largeLabel} (s)", $"Azurite busy at {largeLabel} (% of a core)", $"emulator CPU per GiB at {largeLabel} (s)"], rows);

        // Ratios per repetition: each pipeline run against the curl run next to it; one set of rows per pipeline variant.
        var figures = new List<IReadOnlyList<string>>();
        foreach (var pipeline in variants.Where(v => v.StartsWith("pipeline", StringComparison.Ordinal)))
        {
            var name = Display(pipeline);
            var ratio = Summary.Of(Runs(pipeline, large).Zip(Runs("curl", large), (p, c) => Throughput(p) / Throughput(c)));
            var ratioSmall = Summary.Of(Runs(pipeline, small).Zip(Runs("curl", small), (p, c) => Throughput(p) / Throughput(c)));
            var peak = Summary.Of(Runs(pipeline, large).Select(Rss));
            var growth = Summary.Of(Runs(pipeline, large).Zip(Runs(pipeline, small), (l, s) => Rss(l) - Rss(s)));
            var cpuRatio = Summary.Of(Runs(pipeline, large).Zip(Runs("curl", large), (p, c) => CpuPerGib(p) / CpuPerGib(c)));
            var azuriteRatio = Summary.Of(Runs(pipeline, large).Zip(Runs("curl", large), (p, c) => PerGib(p, "azurite_timed_cpu_seconds") / PerGib(c, "azurite_timed_cpu_seconds")));
            var rssVsBuffered = Summary.Of(Runs(pipeline, large).Zip(Runs("buffered", large), (p, b) => Rss(p) / Rss(b)));
            figures.AddRange(
            [
                [$"throughput {name} ÷ curl pipe, {largeLabel}", ratio.Format("0.00") + "×", "≥ 0.9×", Report.Verdict(ratio.Count == 0 ? null : ratio.Median >= 0.9)],
                [$"throughput {name} ÷ curl pipe, {smallLabel}", ratioSmall.Format("0.00") + "×", "", ""],
                [$"CPU per GiB {name} ÷ curl pipe, {largeLabel}", cpuRatio.Format("0.00") + "×", "", ""],
                [$"Azurite CPU per GiB {name} ÷ curl pipe, {largeLabel}", azuriteRatio.Format("0.00") + "×", "", ""],
                [$"{name} peak RSS, {largeLabel}", peak.Format("0") + " MiB", "< 128 MiB" + (options.Quick ? " (at 1 GiB)" : ""), Report.Verdict(peak.Count == 0 || options.Quick ? null : peak.Max < 128)],
                [$"{name} peak RSS growth {smallLabel} → {largeLabel}", growth.Format("0.0") + " MiB", "< 16 MiB", Report.Verdict(growth.Count == 0 || options.Quick ? null : growth.Max < 16)],
                [$"peak RSS {name} ÷ buffered, {largeLabel}", rssVsBuffered.Format("0.00") + "×", "", ""],
            ]);
        }

        // Where a pipeline variant's memory goes (from the child at its end): managed allocation and the GC's committed heap.
        // With few or no gen0 collections in a run, everything allocated stays resident, so allocation that grows with
        // the size shows up as peak RSS growth.
        double Field(Dictionary<string, double> f, string key) => f.TryGetValue(key, out var v) ? v : double.NaN;
        var memoryRows = variants.Where(v => v.StartsWith("pipeline", StringComparison.Ordinal)).Select(v => (IReadOnlyList<string>)
        [
            Display(v),
            Summary.Of(Runs(v, small).Select(f => Num.Mib((long)Field(f, "allocated_bytes")))).Format("0") + " → " + Summary.Of(Runs(v, large).Select(f => Num.Mib((long)Field(f, "allocated_bytes")))).Format("0"),
            Summary.Of(Runs(v, small).Select(f => Num.Mib((long)Field(f, "gc_committed_bytes")))).Format("0") + " → " + Summary.Of(Runs(v, large).Select(f => Num.Mib((long)Field(f, "gc_committed_bytes")))).Format("0"),
            Summary.Of(Runs(v, small).Select(f => Field(f, "gen0_collections"))).Format("0") + " → " + Summary.Of(Runs(v, large).Select(f => Field(f, "gen0_collections"))).Format("0"),
            Summary.Of(Runs(v, small).Select(f => Field(f, "threads"))).Format("0") + " → " + Summary.Of(Runs(v, large).Select(f => Field(f, "threads"))).Format("0"),
        ]).ToList();
        report.Paragraph($"Memory detail of the pipeline at its end (min / median / max at {smallLabel} → at {largeLabel}): managed bytes allocated over the run, GC committed heap, gen0 collections, threads.");
        report.Table(["variant", "allocated (MiB)", "GC committed (MiB)", "gen0 GCs", "threads"], memoryRows);

        var bufferedGrowth = Summary.Of(Runs("buffered", large).Zip(Runs("buffered", small), (l, s) => Rss(l) - Rss(s)));
        figures.Add([$"buffered peak RSS growth {smallLabel} → {largeLabel}", bufferedGrowth.Format("0") + " MiB", "(baseline)", ""]);
        report.Table(["figure", "min / median / max", "target", "verdict"], figures);
    }
}
