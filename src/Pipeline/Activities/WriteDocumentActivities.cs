using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Telemetry;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Activities;

/// <summary><see cref="RenderWorkflowNames.WriteResult"/>: writes <c>result.json</c> beside the video, once (conditional write).</summary>
public sealed class WriteResultActivity(BlobServiceClient blobs, StorageTrustPolicy trust, TimeProvider time) : IRenderActivity<WriteResultInput, BlobLocation>
{
    /// <summary>What <c>credits</c> in result.json is (HeyGen reports no per-job charge).</summary>
    public const string CreditNote = "Estimate: output seconds x HeyGen Enterprise rate; HeyGen reports no per-job charge.";

    /// <inheritdoc />
    public async Task<BlobLocation> RunAsync(WriteResultInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        trust.EnsureMayWrite(input.Output, input.InstanceId);
        var document = new
        {
            status = "completed",
            render_id = input.InstanceId,
            trace_id = PipelineTelemetry.TraceIdFor(input.InstanceId),
            kind = input.Kind,
            heygen_id = input.HeyGenId,
            other_heygen_ids = input.OtherHeyGenIds,
            video_id = input.VideoId,
            duration_seconds = input.DurationSeconds,
            detected_by = input.DetectedBy,
            files = input.Files.Select(f => new { role = f.Role, language = f.Language, container = f.Blob.Container, blob = f.Blob.Name, length = f.Length, sha256 = f.Sha256 }),
            outputs = input.Outputs?.Select(o => new { heygen_id = o.HeyGenId, language = o.Language, duration_seconds = o.DurationSeconds }),
            credits = input.Credits is { } c
                ? new { estimated = c.Estimated, rate_per_second = c.RatePerSecond, rate_per_video = c.RatePerVideo, billed_seconds = c.BilledSeconds, basis = c.Basis, note = CreditNote }
                : null,
            assets = input.Assets.Select(a => new { path = a.Path, asset_id = a.AssetId, sha256 = a.Sha256, length = a.Length, reused = a.Reused }),
            timings = input.Timings,
            heygen_calls = input.Counters,
        };
        var written = await RenderDocuments.WriteOnceAsync(blobs, input.Output.File(OutputLocation.ResultFile), document, cancellationToken);
        RenderTelemetry.Finished(input.InstanceId, input.Kind, "completed", input.Timings, time.GetUtcNow(), heyGenId: input.HeyGenId, credits: input.Credits);
        return written;
    }
}

/// <summary><see cref="RenderWorkflowNames.WriteError"/>: writes <c>error.json</c> (stage, HeyGen's failure code and message), once.</summary>
public sealed class WriteErrorActivity(BlobServiceClient blobs, TimeProvider time) : IRenderActivity<WriteErrorInput, BlobLocation>
{
    /// <inheritdoc />
    public async Task<BlobLocation> RunAsync(WriteErrorInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var cancelled = input.Code == "cancelled";
        foreach (var file in input.Discard ?? [])
        {
            // Only the render's own files: the output folder is the render's, and Discard names what it stored there.
            if (file.Container == input.Output.Container && file.Name.StartsWith(input.Output.Prefix + "/", StringComparison.Ordinal))
            {
                await blobs.GetBlobContainerClient(file.Container).GetBlobClient(file.Name).DeleteIfExistsAsync(cancellationToken: cancellationToken);
            }
        }

        var document = new
        {
            status = cancelled ? "cancelled" : "failed",
            render_id = input.InstanceId,
            trace_id = PipelineTelemetry.TraceIdFor(input.InstanceId),
            stage = input.Stage,
            failure_code = input.Code,
            failure_message = input.Message,
            heygen_id = input.HeyGenId,
            heygen_note = cancelled ? CancelSemantics.Note(input.HeyGenId) : null,
            discarded = input.Discard?.Count > 0 ? input.Discard.Select(f => f.ToString()) : null,
            timings = input.Timings,
            heygen_calls = input.Counters,
        };
        var written = await RenderDocuments.WriteOnceAsync(blobs, input.Output.File(OutputLocation.ErrorFile), document, cancellationToken);
        RenderTelemetry.Finished(input.InstanceId, input.Kind, cancelled ? "cancelled" : "failed", input.Timings, time.GetUtcNow(), input.Stage, input.Code, input.HeyGenId);
        return written;
    }
}

/// <summary>Writes the small JSON documents of a render.</summary>
internal static class RenderDocuments
{
    private static readonly JsonSerializerOptions s_json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    /// <summary>Writes the document unless the blob exists (a re-run keeps the first one).</summary>
    public static async Task<BlobLocation> WriteOnceAsync(BlobServiceClient blobs, BlobLocation location, object document, CancellationToken cancellationToken)
    {
        var container = blobs.GetBlobContainerClient(location.Container);
        try
        {
            await ContainerOnDemand.WriteAsync(
                container,
                () => container.GetBlobClient(location.Name).UploadAsync(
                    BinaryData.FromObjectAsJson(document, s_json),
                    new BlobUploadOptions
                    {
                        HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                        Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    },
                    cancellationToken),
                cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Written by an earlier run of this activity.
        }

        return location;
    }
}
