using HeyGenRender.Pipeline.Activities;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Telemetry;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Functions.Activities;

/// <summary>
/// One activity function per pipeline activity: each resolves the activity from the invocation's scope and runs it.
/// Names are the workflow's own constants, so the orchestrator and these functions cannot disagree.
/// </summary>
public static class RenderActivityFunctions
{
    [Function(RenderWorkflowNames.PrepareRender)]
    public static Task<RenderPlan> PrepareRender([ActivityTrigger] RenderRequest input, FunctionContext context) =>
        RunAsync<PrepareRenderActivity, RenderRequest, RenderPlan>(RenderWorkflowNames.PrepareRender, input, context);

    [Function(RenderWorkflowNames.UploadAsset)]
    public static Task<UploadedAsset> UploadAsset([ActivityTrigger] UploadAssetInput input, FunctionContext context) =>
        RunAsync<UploadAssetActivity, UploadAssetInput, UploadedAsset>(RenderWorkflowNames.UploadAsset, input, context);

    [Function(RenderWorkflowNames.AcquireSlot)]
    public static Task<SlotAnswer> AcquireRenderSlot([ActivityTrigger] SlotRequest input, FunctionContext context) =>
        RunAsync<AcquireRenderSlotActivity, SlotRequest, SlotAnswer>(RenderWorkflowNames.AcquireSlot, input, context);

    [Function(RenderWorkflowNames.ReleaseSlot)]
    public static Task<SlotAnswer> ReleaseRenderSlot([ActivityTrigger] SlotRequest input, FunctionContext context) =>
        RunAsync<ReleaseRenderSlotActivity, SlotRequest, SlotAnswer>(RenderWorkflowNames.ReleaseSlot, input, context);

    [Function(RenderWorkflowNames.CreateHeyGenJob)]
    public static Task<CreateJobResult> CreateHeyGenJob([ActivityTrigger] CreateJobInput input, FunctionContext context) =>
        RunAsync<CreateHeyGenJobActivity, CreateJobInput, CreateJobResult>(RenderWorkflowNames.CreateHeyGenJob, input, context);

    [Function(RenderWorkflowNames.GetHeyGenJob)]
    public static Task<JobSnapshot> GetHeyGenJob([ActivityTrigger] JobRef input, FunctionContext context) =>
        RunAsync<GetHeyGenJobActivity, JobRef, JobSnapshot>(RenderWorkflowNames.GetHeyGenJob, input, context);

    [Function(RenderWorkflowNames.DownloadOutputs)]
    public static Task<DownloadResult> DownloadOutputs([ActivityTrigger] DownloadInput input, FunctionContext context) =>
        RunAsync<DownloadOutputsActivity, DownloadInput, DownloadResult>(RenderWorkflowNames.DownloadOutputs, input, context);

    [Function(RenderWorkflowNames.WriteResult)]
    public static Task<BlobLocation> WriteResult([ActivityTrigger] WriteResultInput input, FunctionContext context) =>
        RunAsync<WriteResultActivity, WriteResultInput, BlobLocation>(RenderWorkflowNames.WriteResult, input, context);

    [Function(RenderWorkflowNames.WriteError)]
    public static Task<BlobLocation> WriteError([ActivityTrigger] WriteErrorInput input, FunctionContext context) =>
        RunAsync<WriteErrorActivity, WriteErrorInput, BlobLocation>(RenderWorkflowNames.WriteError, input, context);

    // In the render's trace, as under the local engine: the Durable extension gives the activity its instance id.
    private static Task<TOutput> RunAsync<TActivity, TInput, TOutput>(string name, TInput input, FunctionContext context)
        where TActivity : IRenderActivity<TInput, TOutput> =>
        PipelineTelemetry.RunActivityAsync(name,
            context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id as string : null,
            () => context.InstanceServices.GetRequiredService<TActivity>().RunAsync(input, context.CancellationToken));
}
