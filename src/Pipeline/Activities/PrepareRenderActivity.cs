using Azure.Storage.Blobs;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Activities;

/// <summary>
/// <see cref="RenderWorkflowNames.PrepareRender"/>: reads the stored spec and the sizes of its blob assets and fixes the
/// render's plan with <see cref="RenderPlanner"/>. Only renders started before workflow revision 4 call it: since then
/// the starter plans the render and the plan travels in the input.
/// </summary>
public sealed class PrepareRenderActivity(RenderJobStore jobs, BlobServiceClient blobs, StorageTrustPolicy trust, RenderPlanner planner) : IRenderActivity<RenderRequest, RenderPlan>
{
    /// <inheritdoc />
    public async Task<RenderPlan> RunAsync(RenderRequest input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var spec = await jobs.ReadAsync(input.JobBlob, cancellationToken);
        var lengths = new Dictionary<AssetReference, long>();
        foreach (var (_, asset) in spec.Assets().Where(a => a.Asset.IsBlob))
        {
            trust.EnsureMayRead(asset.Container!, asset.BlobName!);
            var properties = await blobs.GetBlobContainerClient(asset.Container).GetBlobClient(asset.BlobName).GetPropertiesAsync(cancellationToken: cancellationToken);
            lengths[asset] = properties.Value.ContentLength;
        }

        return planner.Plan(spec, input.WaitMode, a => lengths.TryGetValue(a, out var n) ? n : null);
    }
}
