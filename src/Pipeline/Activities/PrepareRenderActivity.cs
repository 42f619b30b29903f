using Azure.Storage.Blobs;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Activities;

/// <summary>
/// <see cref="RenderWorkflowNames.PrepareRender"/>: reads the stored spec and fixes the render's plan (so later option
/// changes cannot make a replay diverge), with the expected render time from the job's length (<see cref="RenderTimeEstimate"/>).
/// </summary>
public sealed class PrepareRenderActivity(RenderJobStore jobs, BlobServiceClient blobs, StorageTrustPolicy trust, IOptions<RenderWorkflowOptions> options) : IRenderActivity<RenderRequest, RenderPlan>
{
    /// <inheritdoc />
    public async Task<RenderPlan> RunAsync(RenderRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var spec = await jobs.ReadAsync(input.JobBlob, cancellationToken);
        var o = options.Value;
        var assets = spec.Assets()
            .Where(a => a.Asset.IsBlob)
            .Select(a => new UploadAssetInput(a.Path, a.Asset.Container!, a.Asset.BlobName!))
            .ToList();

        // HeyGen sends no lipsync webhook: lipsyncs are awaited by polling whatever the spec says.
        var mode = spec.Kind == RenderKind.Lipsync ? WaitMode.Poll : input.WaitMode;
        var limit = Math.Max(1, o.ConcurrencyLimit);

        // HeyGen counts one job per output language against its concurrency limit; capped so the render can still run alone.
        var heyGenJobs = spec.Job is VideoTranslationJob t ? Math.Clamp(t.OutputLanguages.Count, 1, limit) : 1;

        // The first poll follows the job's length: the sizes of its blob assets tell how long audio and video are.
        var lengths = new Dictionary<AssetReference, long>();
        foreach (var (_, asset) in spec.Assets().Where(a => a.Asset.IsBlob))
        {
            trust.EnsureMayRead(asset.Container!, asset.BlobName!);
            var properties = await blobs.GetBlobContainerClient(asset.Container).GetBlobClient(asset.BlobName).GetPropertiesAsync(cancellationToken: cancellationToken);
            lengths[asset] = properties.Value.ContentLength;
        }

        var expected = RenderTimeEstimate.For(spec.Job, a => lengths.TryGetValue(a, out var n) ? n : null, o);
        return new RenderPlan(spec.Kind, assets, mode, limit, expected, o.PollInterval, o.SafetyNetPollInterval, o.SlotRecheckInterval,
            CreditRates.For(spec.Job), heyGenJobs);
    }
}
