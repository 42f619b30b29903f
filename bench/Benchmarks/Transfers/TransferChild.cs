using System.Diagnostics;
using System.Globalization;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Benchmarks.Harness;

namespace HeyGenRender.Benchmarks.Transfers;

/// <summary>
/// One transfer in its own process: <c>child upload|download --variant pipeline|pipeline-sha256|curl|buffered ...</c>.
/// Prints the elapsed seconds, the CPU seconds of the timed transfer and the process's peak RSS.
/// </summary>
internal static class TransferChild
{
    public static async Task<int> RunAsync(string direction, Args args)
    {
        var variant = args.Required("variant");
        var size = args.Long("size", 0);
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        await using var pipeline = !variant.StartsWith("pipeline", StringComparison.Ordinal) ? null
            : direction == "upload" ? PipelineTransfers.ForUploads(args.Required("connection"), args.Required("container"), new Uri(args.Required("api")), args.Required("api-key"))
            : PipelineTransfers.ForDownloads(args.Required("connection"), args.Required("container"), new Uri(args.Required("api")), args.Required("api-key"));

        // Small transfers of the same variant first, uncounted, until the JIT is done: a long-running host has its code
        // compiled (tier 1 comes after about 30 calls of a method), so this fresh process's compiling belongs to neither side.
        var warmups = args.Long("warmups", 0);
        for (var i = 0; i < warmups; i++)
        {
            // Each upload reads a source blob of its own (the same one again would replay the first upload's idempotency
            // key); each download writes to a folder of its own, deleted after.
            var warmupTarget = direction == "download"
                ? $"warmup-{Guid.NewGuid():N}/video.mp4"
                : string.Format(CultureInfo.InvariantCulture, args.Required("warmup-blob-format"), i);
            await TransferAsync(direction, variant, args, http, pipeline, args.Long("warmup-size", 0), warmupTarget, args.Get("warmup-video-id"), args.Get("warmup-video-url"));
            if (direction == "download")
            {
                await DeleteFolderAsync(args.Required("connection"), args.Required("container"), warmupTarget[..(warmupTarget.IndexOf('/') + 1)]);
            }
        }

        if (warmups > 0)
        {
            await WaitForJitQuietAsync();

            // A long-running host's GC would have collected the warm-ups' garbage too; then peak RSS starts over, so it
            // tells the timed transfer's peak (with everything the warm-ups left resident, compiled code included).
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            PeakRss.Reset();
        }

        // The servers over the same window: Azurite's process tree, and the harness, which hosts the emulator.
        var azurite = (int)args.Long("azurite-pid", 0);
        var emulator = (int)args.Long("emulator-pid", 0);
        var azuriteBefore = azurite > 0 ? ProcessCpu.OfTree(azurite) : TimeSpan.Zero;
        var emulatorBefore = emulator > 0 ? ProcessCpu.OfProcess(emulator) : TimeSpan.Zero;
        var cpuBefore = ProcessCpu.OfSelfAndWaitedChildren();
        var clock = Stopwatch.StartNew();
        await TransferAsync(direction, variant, args, http, pipeline, size, args.Required("blob"), args.Get("video-id"), args.Get("video-url"));
        clock.Stop();
        var cpu = ProcessCpu.OfSelfAndWaitedChildren() - cpuBefore;
        var result = new Dictionary<string, double> { ["seconds"] = clock.Elapsed.TotalSeconds, ["bytes"] = size, ["cpu_seconds"] = cpu.TotalSeconds };
        if (azurite > 0)
        {
            result["azurite_timed_cpu_seconds"] = (ProcessCpu.OfTree(azurite) - azuriteBefore).TotalSeconds;
        }

        if (emulator > 0)
        {
            result["emulator_timed_cpu_seconds"] = (ProcessCpu.OfProcess(emulator) - emulatorBefore).TotalSeconds;
        }

        Child.WriteResult(result);
        return 0;
    }

    private static async Task TransferAsync(string direction, string variant, Args args, HttpClient http, PipelineTransfers? pipeline, long size, string blob, string? videoId, string? videoUrl)
    {
        var connection = args.Required("connection");
        var container = args.Required("container");
        switch (direction, variant)
        {
            case ("upload", "pipeline" or "pipeline-sha256"):
                // Same activity; the harness hands the -sha256 variant a source blob that carries its sha256 metadata.
                await pipeline!.UploadAsync(container, blob, size);
                break;
            case ("upload", "curl"):
            {
                var calls = new BaselineDirectUpload(http, new Uri(args.Required("api")), args.Required("api-key"));
                var (assetId, uploadUrl, headers) = await calls.InitAsync(blob, size);
                await CurlPipe.RunAsync(Storage.SasUri(connection, container, blob), uploadUrl, size, headers.Select(h => $"{h.Key}: {h.Value}"));
                await calls.CompleteAsync(assetId);
                break;
            }

            case ("upload", "buffered"):
            {
                var calls = new BaselineDirectUpload(http, new Uri(args.Required("api")), args.Required("api-key"));
                var (assetId, uploadUrl, headers) = await calls.InitAsync(blob, size);

                // The naive way: the whole blob in memory, then one PUT of the buffer.
                var bytes = (await new BlobClient(connection, container, blob).DownloadContentAsync()).Value.Content.ToArray();
                using var put = new HttpRequestMessage(HttpMethod.Put, uploadUrl) { Content = new ByteArrayContent(bytes) };
                foreach (var (name, value) in headers)
                {
                    if (!put.Headers.TryAddWithoutValidation(name, value))
                    {
                        put.Content.Headers.TryAddWithoutValidation(name, value);
                    }
                }

                using var response = await http.SendAsync(put);
                response.EnsureSuccessStatusCode();
                await calls.CompleteAsync(assetId);
                break;
            }

            case ("download", "pipeline"):
                await pipeline!.DownloadAsync(Required(videoId, "video-id"), size, container, blob);
                break;
            case ("download", "curl"):
                await CurlPipe.RunAsync(new Uri(Required(videoUrl, "video-url")), Storage.SasUri(connection, container, blob), size, ["x-ms-blob-type: BlockBlob"]);
                break;
            case ("download", "buffered"):
            {
                // The naive way: the whole video in memory, then one upload of the buffer.
                var bytes = await http.GetByteArrayAsync(new Uri(Required(videoUrl, "video-url")));
                await new BlobClient(connection, container, blob).UploadAsync(new BinaryData(bytes), new BlobUploadOptions());
                break;
            }

            default:
                throw new ArgumentException($"Unknown transfer {direction} --variant {variant}.");
        }
    }

    /// <summary>Waits until no method has been compiled for half a second (tier-1 recompiles run in the background), at most 15 s.</summary>
    private static async Task WaitForJitQuietAsync()
    {
        var deadline = Stopwatch.StartNew();
        var count = System.Runtime.JitInfo.GetCompiledMethodCount();
        var quietSince = Stopwatch.StartNew();
        while (quietSince.Elapsed < TimeSpan.FromMilliseconds(500) && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(100);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != count)
            {
                count = now;
                quietSince.Restart();
            }
        }
    }

    private static string Required(string? value, string name) => value ?? throw new ArgumentException($"Missing --{name}.");

    private static async Task DeleteFolderAsync(string connection, string container, string prefix)
    {
        var client = new BlobContainerClient(connection, container);
        await foreach (var item in client.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }))
        {
            await client.DeleteBlobIfExistsAsync(item.Name);
        }
    }
}
