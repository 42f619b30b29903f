using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Activities;

/// <summary><see cref="RenderWorkflowNames.PrepareRender"/>: reads the stored spec and fixes the render's plan (so later option changes cannot make a replay diverge).</summary>
public sealed class PrepareRenderActivity(RenderJobStore jobs, IOptions<RenderWorkflowOptions> options) : IRenderActivity<RenderRequest, RenderPlan>
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
        return new RenderPlan(spec.Kind, assets, mode, limit, o.ExpectedRenderTime, o.PollInterval, o.SafetyNetPollInterval, o.SlotRecheckInterval,
            CreditRates.For(spec.Job), heyGenJobs);
    }
}
