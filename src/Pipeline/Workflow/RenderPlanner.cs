using HeyGenRender.Pipeline.Jobs;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Workflow;

/// <summary>
/// Fixes a render's <see cref="RenderPlan"/> from its validated spec, the sizes of its blob assets and the workflow
/// options. The starter plans each render once and puts the plan in the orchestration's input (workflow revision 4),
/// so a later change of options cannot make a replay diverge; renders started before that plan in the
/// <c>PrepareRender</c> activity, with the same rules.
/// </summary>
public sealed class RenderPlanner(IOptions<RenderWorkflowOptions> options)
{
    /// <summary>Plans a render.</summary>
    /// <param name="spec">The validated spec.</param>
    /// <param name="requestedWait">The wait mode the spec asks for.</param>
    /// <param name="lengthOf">The size in bytes of a blob asset, or null when unknown.</param>
    /// <returns>The plan.</returns>
    public RenderPlan Plan(RenderJobSpec spec, WaitMode requestedWait, Func<AssetReference, long?> lengthOf)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(lengthOf);
        var o = options.Value;
        var assets = spec.Assets()
            .Where(a => a.Asset.IsBlob)
            .Select(a => new UploadAssetInput(a.Path, a.Asset.Container!, a.Asset.BlobName!))
            .ToList();

        // HeyGen sends no lipsync webhook: lipsyncs are awaited by polling whatever the spec says.
        var mode = spec.Kind == RenderKind.Lipsync ? WaitMode.Poll : requestedWait;
        var limit = Math.Max(1, o.ConcurrencyLimit);

        // HeyGen counts one job per output language against its concurrency limit; capped so the render can still run alone.
        var heyGenJobs = spec.Job is VideoTranslationJob t ? Math.Clamp(t.OutputLanguages.Count, 1, limit) : 1;

        // The first poll follows the job's length: the sizes of its blob assets tell how long audio and video are.
        var expected = RenderTimeEstimate.For(spec.Job, lengthOf, o);
        return new RenderPlan(spec.Kind, assets, mode, limit, expected, o.PollInterval, o.SafetyNetPollInterval, o.SlotRecheckInterval,
            CreditRates.For(spec.Job), heyGenJobs);
    }
}
