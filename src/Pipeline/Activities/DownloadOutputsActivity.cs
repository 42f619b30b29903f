using System.Net;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Telemetry;
using HeyGenRender.Pipeline.Transfers;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Pipeline.Activities;

/// <summary>
/// <see cref="RenderWorkflowNames.DownloadOutputs"/>: GETs the job for fresh URLs, then streams the video (and the
/// thumbnail and captions where present; for a translation into several languages, each language's video and captions
/// under <c>{prefix}/{language}/</c>) into blob storage, block by block, checking length and SHA-256. An expired
/// URL (403/404/410) is refreshed with another GET of the job. A file already stored by an earlier run is kept.
/// </summary>
public sealed partial class DownloadOutputsActivity(
    HeyGenJobReader reader, BlobServiceClient blobs, IHttpClientFactory httpClients, StorageTrustPolicy trust, ILogger<DownloadOutputsActivity> logger)
    : IRenderActivity<DownloadInput, DownloadResult>
{
    /// <summary>The named HttpClient used for downloads (no API key: the URLs are presigned).</summary>
    public const string HttpClientName = "HeyGenDownloads";

    private const int MaxUrlRefreshes = 3;

    /// <inheritdoc />
    public async Task<DownloadResult> RunAsync(DownloadInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        trust.EnsureMayWrite(input.Output, input.RenderId);
        var container = blobs.GetBlobContainerClient(input.Output.Container);
        var outputs = await reader.ReadOutputsAsync(input.Job, cancellationToken);
        var several = outputs.Count > 1;
        var refreshes = 0;
        var files = new List<StoredFile>();
        for (var i = 0; i < outputs.Count; i++)
        {
            // Several outputs (one per translation language) each get a folder of their own: {prefix}/{language}/video.mp4.
            var folder = several ? FolderFor(outputs[i].Language ?? outputs[i].HeyGenId) + "/" : "";
            var language = several ? outputs[i].Language : null;
            foreach (var (role, file, contentType, pick) in Roles)
            {
                if (pick(outputs[i].Urls) is null)
                {
                    continue;
                }

                var location = input.Output.File(folder + file);
                var target = container.GetBlockBlobClient(location.Name);
                if (await ExistingAsync(target, cancellationToken) is { } existing)
                {
                    files.Add(new StoredFile(role, location, existing.Length, existing.Sha256, language));
                    continue;
                }

                for (var attempt = 0; ; attempt++)
                {
                    var url = pick(outputs[i].Urls);
                    if (url is null)
                    {
                        break;
                    }

                    using var response = await httpClients.CreateClient(HttpClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                    if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.NotFound or HttpStatusCode.Gone && attempt < MaxUrlRefreshes)
                    {
                        // Presigned URLs expire: a fresh GET of the job hands out fresh ones.
                        Log.UrlRefreshed(logger, outputs[i].HeyGenId, role, (int)response.StatusCode);
                        refreshes++;
                        outputs = await reader.ReadOutputsAsync(input.Job, cancellationToken);
                        continue;
                    }

                    response.EnsureSuccessStatusCode();
                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    var (sha, length, existed) = await HttpToBlobTransfer.CopyAsync(body, response.Content.Headers.ContentLength, target, contentType, cancellationToken);
                    if (existed)
                    {
                        // Another run committed it meanwhile: keep it only if it holds the same bytes. (A commit of
                        // ours needs no check: it names exactly the blocks the service verified as we staged them.)
                        await HttpToBlobTransfer.VerifyAsync(target, sha, length, cancellationToken);
                    }

                    files.Add(new StoredFile(role, location, length, sha, language));
                    PipelineTelemetry.TransferSize.Add(length, new KeyValuePair<string, object?>("heygen_render.transfer.direction", "download"));
                    Log.Stored(logger, outputs[i].HeyGenId, role, location.ToString(), length);
                    break;
                }
            }

            if (!files.Any(f => f.Role == "video" && f.Language == language))
            {
                throw new InvalidOperationException($"HeyGen job {outputs[i].HeyGenId} reports no video URL.");
            }
        }

        return new DownloadResult(files, refreshes, [.. outputs.Select(o => new JobOutput(o.HeyGenId, o.Language, o.Snapshot.Duration))]);
    }

    /// <summary>The blob folder of one output language: lower case, runs of other characters as one dash ("Spanish (Spain)" → "spanish-spain").</summary>
    /// <param name="language">The language name as HeyGen reports it.</param>
    /// <returns>The folder name.</returns>
    public static string FolderFor(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        var builder = new System.Text.StringBuilder(language.Length);
        foreach (var c in language.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        var folder = builder.ToString().TrimEnd('-');
        return folder.Length > 0 ? folder : "output";
    }

    private static readonly (string Role, string File, string ContentType, Func<JobUrls, string?> Pick)[] Roles =
    [
        ("video", OutputLocation.VideoFile, "video/mp4", u => u.Video),
        ("thumbnail", OutputLocation.ThumbnailFile, "image/jpeg", u => u.Thumbnail),
        ("captions", OutputLocation.CaptionsFile, "application/x-subrip", u => u.Captions),
    ];

    private static async Task<(string Sha256, long Length)?> ExistingAsync(BlockBlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
            return properties.Metadata.TryGetValue(HttpToBlobTransfer.Sha256Metadata, out var sha) ? (sha, properties.ContentLength) : null;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // The first file a render stores may find its container missing; made here, not asked about before every file.
            await ContainerOnDemand.MakeUnlessOnlyTheBlobIsMissingAsync(blob.GetParentBlobContainerClient(), ex, cancellationToken);
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "HeyGen job {HeyGenId}: {Role} URL answered {Status}; refreshed by a GET of the job.")]
        public static partial void UrlRefreshed(ILogger logger, string heyGenId, string role, int status);

        [LoggerMessage(2, LogLevel.Information, "HeyGen job {HeyGenId}: {Role} stored as {Blob} ({Length} bytes).")]
        public static partial void Stored(ILogger logger, string heyGenId, string role, string blob, long length);
    }
}
