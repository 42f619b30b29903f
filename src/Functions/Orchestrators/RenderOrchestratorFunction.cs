using HeyGenRender.Pipeline.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace HeyGenRender.Functions.Orchestrators;

/// <summary>The render orchestrator: the pipeline's workflow over Durable's context, nothing else.</summary>
public static class RenderOrchestratorFunction
{
    [Function(RenderWorkflowNames.Orchestrator)]
    public static Task<RenderOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RenderOrchestrator.RunAsync(new DurableRenderContext(context));
}
