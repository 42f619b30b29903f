using HeyGenRender.Pipeline.Workflow;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace HeyGenRender.Functions.Orchestrators;

/// <summary>The render orchestrator: Durable's context handed straight to the pipeline's workflow.</summary>
public static class RenderOrchestratorFunction
{
    [Function(RenderWorkflowNames.Orchestrator)]
    public static Task<RenderOutcome> Run([OrchestrationTrigger] TaskOrchestrationContext context) =>
        RenderOrchestrator.RunAsync(context);
}
