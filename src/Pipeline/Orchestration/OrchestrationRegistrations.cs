using System.Text.Json;
using HeyGenRender.Pipeline.Activities;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Telemetry;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>
/// An activity: a plain class resolved from DI, safe to run twice (Durable runs activities at least once).
/// The Functions app exposes each as <c>[Function(name)]</c> with an <c>[ActivityTrigger]</c> that calls <see cref="RunAsync"/>;
/// the local host registers the same classes under the same names with <see cref="RenderWorkflowRegistry.AddRenderWorkflow"/>.
/// </summary>
/// <typeparam name="TInput">The serializable input (references, never payloads).</typeparam>
/// <typeparam name="TOutput">The serializable output.</typeparam>
public interface IRenderActivity<in TInput, TOutput>
{
    /// <summary>Runs the activity.</summary>
    Task<TOutput> RunAsync(TInput input, CancellationToken cancellationToken = default);
}

/// <summary>How orchestration inputs, outputs, events and custom status are serialized, in every host.</summary>
public static class OrchestrationJson
{
    /// <summary>The serializer options (the Functions worker serializer and the local host's data converter use them).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}

/// <summary>The render workflow's orchestrator and activities, for a <c>Microsoft.DurableTask</c> worker.</summary>
public static class RenderWorkflowRegistry
{
    /// <summary>
    /// Registers the orchestrator and every activity under <see cref="RenderWorkflowNames"/>: the names the Functions app
    /// gives its <c>[Function]</c>s, so one task hub's history reads the same in either host. Activities are resolved
    /// from the work item's DI scope (registered by <c>AddRenderWorkflow</c>).
    /// </summary>
    public static DurableTaskRegistry AddRenderWorkflow(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.AddOrchestratorFunc<RenderRequest, RenderOutcome>(RenderWorkflowNames.Orchestrator, (context, _) => RenderOrchestrator.RunAsync(context));
        Add<PrepareRenderActivity, RenderRequest, RenderPlan>(registry, RenderWorkflowNames.PrepareRender);
        Add<UploadAssetActivity, UploadAssetInput, UploadedAsset>(registry, RenderWorkflowNames.UploadAsset);
        Add<AcquireRenderSlotActivity, SlotRequest, SlotAnswer>(registry, RenderWorkflowNames.AcquireSlot);
        Add<ReleaseRenderSlotActivity, SlotRequest, SlotAnswer>(registry, RenderWorkflowNames.ReleaseSlot);
        Add<CreateHeyGenJobActivity, CreateJobInput, CreateJobResult>(registry, RenderWorkflowNames.CreateHeyGenJob);
        Add<GetHeyGenJobActivity, JobRef, JobSnapshot>(registry, RenderWorkflowNames.GetHeyGenJob);
        Add<DownloadOutputsActivity, DownloadInput, DownloadResult>(registry, RenderWorkflowNames.DownloadOutputs);
        Add<WriteResultActivity, WriteResultInput, BlobLocation>(registry, RenderWorkflowNames.WriteResult);
        Add<WriteErrorActivity, WriteErrorInput, BlobLocation>(registry, RenderWorkflowNames.WriteError);
        return registry;
    }

    private static void Add<TActivity, TInput, TOutput>(DurableTaskRegistry registry, string name)
        where TActivity : class, IRenderActivity<TInput, TOutput> =>
        registry.AddActivity(name, services => new ActivityAdapter<TInput, TOutput>(services.GetRequiredService<TActivity>()));

    // The worker hands each work item its own DI scope; the activity class is resolved from it.
    private sealed class ActivityAdapter<TInput, TOutput>(IRenderActivity<TInput, TOutput> activity) : TaskActivity<TInput, TOutput>
    {
        public override Task<TOutput> RunAsync(TaskActivityContext context, TInput input) =>
            PipelineTelemetry.RunActivityAsync(context.Name, context.InstanceId,
                () => activity.RunAsync(input ?? throw new ArgumentNullException(nameof(input), $"Activity {context.Name} needs an input.")));
    }
}
