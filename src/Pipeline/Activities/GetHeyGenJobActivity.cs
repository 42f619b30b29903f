using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Activities;

/// <summary><see cref="RenderWorkflowNames.GetHeyGenJob"/>: one status GET (a poll, or the confirmation of a webhook).</summary>
public sealed class GetHeyGenJobActivity(HeyGenJobReader reader) : IRenderActivity<JobRef, JobSnapshot>
{
    /// <inheritdoc />
    public async Task<JobSnapshot> RunAsync(JobRef input, CancellationToken cancellationToken = default) =>
        (await reader.ReadAsync(input, cancellationToken)).Snapshot;
}
