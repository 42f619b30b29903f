using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Telemetry;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Activities;

/// <summary><see cref="RenderWorkflowNames.AcquireSlot"/>: takes a HeyGen slot or joins the queue. Safe to repeat: a holder asking again is granted again.</summary>
public sealed class AcquireRenderSlotActivity(RenderSlotStore slots) : IRenderActivity<SlotRequest, SlotAnswer>
{
    /// <inheritdoc />
    public Task<SlotAnswer> RunAsync(SlotRequest input, CancellationToken cancellationToken = default) =>
        slots.ApplyAsync(state =>
        {
            PipelineTelemetry.ObserveSlotLimit(input.Limit);
            return state.Acquire(input);
        }, cancellationToken);
}

/// <summary><see cref="RenderWorkflowNames.ReleaseSlot"/>: frees the render's slot or place in the queue. Safe to repeat.</summary>
public sealed class ReleaseRenderSlotActivity(RenderSlotStore slots) : IRenderActivity<SlotRequest, SlotAnswer>
{
    /// <inheritdoc />
    public Task<SlotAnswer> RunAsync(SlotRequest input, CancellationToken cancellationToken = default) =>
        slots.ApplyAsync(state => state.Release(input), cancellationToken);
}
