using HeyGenRender.Pipeline.Orchestration;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using DurableStatus = Microsoft.DurableTask.Client.OrchestrationRuntimeStatus;
using PipelineStatus = HeyGenRender.Pipeline.Orchestration.OrchestrationRuntimeStatus;

namespace HeyGenRender.Functions.Orchestrators;

/// <summary>
/// The pipeline's orchestration client over the <see cref="DurableTaskClient"/> a function receives through
/// <c>[DurableClient]</c>. Every member is a pass-through.
/// </summary>
internal sealed class DurableOrchestrationClient(DurableTaskClient client) : IOrchestrationClient
{
    public Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input, string instanceId, CancellationToken cancellationToken = default) =>
        client.ScheduleNewOrchestrationInstanceAsync(new TaskName(orchestratorName), input, new StartOrchestrationOptions(instanceId), cancellationToken);

    public async Task<OrchestrationInstanceState?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var metadata = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        return metadata is null
            ? null
            : new OrchestrationInstanceState(
                metadata.InstanceId,
                metadata.Name,
                ToPipeline(metadata.RuntimeStatus),
                metadata.CreatedAt,
                metadata.LastUpdatedAt,
                metadata.SerializedInput,
                metadata.SerializedOutput,
                metadata.SerializedCustomStatus,
                metadata.FailureDetails?.ErrorMessage);
    }

    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload, CancellationToken cancellationToken = default) =>
        client.RaiseEventAsync(instanceId, eventName, eventPayload, cancellationToken);

    public Task TerminateInstanceAsync(string instanceId, object? output, CancellationToken cancellationToken = default) =>
        client.TerminateInstanceAsync(instanceId, output, cancellationToken);

    internal static PipelineStatus ToPipeline(DurableStatus status) => status switch
    {
        DurableStatus.Running => PipelineStatus.Running,
        DurableStatus.Completed => PipelineStatus.Completed,
#pragma warning disable CS0618 // ContinuedAsNew is obsolete in Durable but still a value it can report.
        DurableStatus.ContinuedAsNew => PipelineStatus.ContinuedAsNew,
#pragma warning restore CS0618
        DurableStatus.Failed => PipelineStatus.Failed,
#pragma warning disable CS0618 // Canceled: same.
        DurableStatus.Canceled => PipelineStatus.Canceled,
#pragma warning restore CS0618
        DurableStatus.Terminated => PipelineStatus.Terminated,
        DurableStatus.Pending => PipelineStatus.Pending,
        DurableStatus.Suspended => PipelineStatus.Suspended,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown Durable runtime status."),
    };
}
