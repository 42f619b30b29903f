using Azure;
using Azure.Storage.Blobs;
using HeyGenRender.Pipeline.Jobs;
using Microsoft.DurableTask.Client;

namespace HeyGenRender.Pipeline.Api;

/// <summary>
/// <c>GET /api/renders/{id}/files/{name}</c>, for every host: opens one file of a render's own output folder, as the
/// render's orchestration input names the folder (never a container or path from the caller), as a seekable blob
/// stream that reads blocks on demand, so the host can answer range requests without holding the video in memory.
/// Captions are converted to WebVTT (<see cref="RenderFiles"/>).
/// </summary>
public class RenderFileReader
{
    private readonly DurableTaskClient _orchestrations;
    private readonly BlobServiceClient _blobs;

    /// <summary>Creates the reader.</summary>
    /// <param name="orchestrations">The Durable Task client (the render's output folder is in its input).</param>
    /// <param name="blobs">The pipeline's blob account.</param>
    public RenderFileReader(DurableTaskClient orchestrations, BlobServiceClient blobs)
    {
        ArgumentNullException.ThrowIfNull(orchestrations);
        ArgumentNullException.ThrowIfNull(blobs);
        _orchestrations = orchestrations;
        _blobs = blobs;
    }

    /// <summary>For mocking.</summary>
    protected RenderFileReader()
    {
        _orchestrations = null!;
        _blobs = null!;
    }

    /// <summary>Opens file <paramref name="name"/> of render <paramref name="renderId"/>.</summary>
    /// <param name="renderId">The id from the route.</param>
    /// <param name="name">The file from the route: <c>video.mp4</c>, <c>spanish/captions.vtt</c>, <c>result.json</c>, ….</param>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>The file, or the error to answer (404 for no such render or file).</returns>
    public virtual async Task<RenderFile> OpenAsync(string renderId, string name, CancellationToken cancellationToken = default)
    {
        var vtt = name?.EndsWith(RenderFiles.VttCaptions, StringComparison.Ordinal) == true;
        if (!RenderIds.IsWellFormed(renderId) || !RenderFiles.IsRenderFile(name))
        {
            return NotFound(renderId, name);
        }

        var state = await _orchestrations.GetInstanceAsync(renderId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (state is null || RenderApi.ReadInput(state.SerializedInput) is not { } request)
        {
            return NotFound(renderId, name);
        }

        var stored = vtt ? name![..^RenderFiles.VttCaptions.Length] + OutputLocation.CaptionsFile : name!;
        var location = request.Output.File(stored);
        var blob = _blobs.GetBlobContainerClient(location.Container).GetBlobClient(location.Name);
        try
        {
            if (vtt)
            {
                var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                if (properties.Value.ContentLength > RenderFiles.MaxCaptionBytes)
                {
                    return new RenderFile(null, null, ApiResponse.Error(413, "captions_too_large", "The captions are too large to convert."));
                }

                var srt = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                return new RenderFile(new MemoryStream(RenderFiles.ToWebVtt(srt.Value.Content.ToMemory().Span)), RenderFiles.ContentType(name!), null);
            }

            var stream = await blob.OpenReadAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return new RenderFile(stream, RenderFiles.ContentType(name!), null);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return NotFound(renderId, name);
        }
    }

    private static RenderFile NotFound(string renderId, string? name) =>
        new(null, null, ApiResponse.Error(404, "file_not_found", $"Render '{Clip(renderId)}' has no file '{Clip(name)}'."));

    private static string Clip(string? value) => value is null ? string.Empty : value.Length > 80 ? value[..80] : value;
}

/// <summary>A render file to stream (seekable), or the error to answer instead.</summary>
/// <param name="Content">The content, when found; the host disposes it.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Error">The answer when there is no such file.</param>
public sealed record RenderFile(Stream? Content, string? ContentType, ApiResponse? Error);
