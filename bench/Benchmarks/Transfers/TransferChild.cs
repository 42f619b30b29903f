using System.Diagnostics;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Benchmarks.Harness;

namespace HeyGenRender.Benchmarks.Transfers;

/// <summary>
/// One transfer in its own process: <c>child upload|download --variant pipeline|pipeline-sha256|curl|buffered ...</c>.
/// Prints the elapsed seconds and the process's peak RSS.
/// </summary>
internal static class TransferChild
{
    public static async Task<int> RunAsync(string direction, Args args)
    {
        var variant = args.Required("variant");
        var size = args.Long("size", 0);
        var connection = args.Required("connection");
        var container = args.Required("container");
        var blob = args.Required("blob");
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var clock = Stopwatch.StartNew();
        switch (direction, variant)
        {
            case ("upload", "pipeline" or "pipeline-sha256"):
                // Same activity; the harness hands the -sha256 variant a source blob that carries its sha256 metadata.
                await PipelineTransfers.UploadAsync(connection, container, blob, size, new Uri(args.Required("api")), args.Required("api-key"));
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
                await PipelineTransfers.DownloadAsync(args.Required("video-id"), size, connection, container, blob, new Uri(args.Required("api")), args.Required("api-key"));
                break;
            case ("download", "curl"):
                await CurlPipe.RunAsync(new Uri(args.Required("video-url")), Storage.SasUri(connection, container, blob), size, ["x-ms-blob-type: BlockBlob"]);
                break;
            case ("download", "buffered"):
            {
                // The naive way: the whole video in memory, then one upload of the buffer.
                var bytes = await http.GetByteArrayAsync(new Uri(args.Required("video-url")));
                await new BlobClient(connection, container, blob).UploadAsync(new BinaryData(bytes), new BlobUploadOptions());
                break;
            }

            default:
                throw new ArgumentException($"Unknown transfer {direction} --variant {variant}.");
        }

        clock.Stop();
        Child.WriteResult(new Dictionary<string, double> { ["seconds"] = clock.Elapsed.TotalSeconds, ["bytes"] = size });
        return 0;
    }
}
