using DurableTask.Core;
using DurableTask.Core.Query;
using Microsoft.DurableTask.Testing.Sidecar;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.LocalDurableTask;

/// <summary>
/// The in-memory backend of <c>Microsoft.DurableTask.InProcessTestHost</c> with configured concurrency. The packaged
/// service reports the core count as its limits (2 work items at a time here), and its dispatcher rechecks only every
/// 500 ms when saturated, so a burst of renders crawls; this passes every call through and only reports the limits.
/// </summary>
internal sealed class InMemoryBackend : SidecarOrchestrationService, IOrchestrationServiceClient, IOrchestrationServiceQueryClient, IOrchestrationServicePurgeClient
{
    private readonly InMemoryOrchestrationService _inner;
    private readonly int _maxOrchestrations;
    private readonly int _maxActivities;

    public InMemoryBackend(ILoggerFactory loggerFactory, int maxOrchestrations, int maxActivities)
        : this(new InMemoryOrchestrationService(loggerFactory), maxOrchestrations, maxActivities)
    {
    }

    private InMemoryBackend(InMemoryOrchestrationService inner, int maxOrchestrations, int maxActivities)
        : base(inner)
    {
        _inner = inner;
        _maxOrchestrations = maxOrchestrations;
        _maxActivities = maxActivities;
    }

    public override int MaxConcurrentTaskOrchestrationWorkItems => _maxOrchestrations;

    public override int MaxConcurrentTaskActivityWorkItems => _maxActivities;

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage) => _inner.CreateTaskOrchestrationAsync(creationMessage);

    public Task CreateTaskOrchestrationAsync(TaskMessage creationMessage, OrchestrationStatus[] dedupeStatuses) => _inner.CreateTaskOrchestrationAsync(creationMessage, dedupeStatuses);

    public Task SendTaskOrchestrationMessageAsync(TaskMessage message) => _inner.SendTaskOrchestrationMessageAsync(message);

    public Task SendTaskOrchestrationMessageBatchAsync(params TaskMessage[] messages) => _inner.SendTaskOrchestrationMessageBatchAsync(messages);

    public Task<OrchestrationState> WaitForOrchestrationAsync(string instanceId, string executionId, TimeSpan timeout, CancellationToken cancellationToken) =>
        _inner.WaitForOrchestrationAsync(instanceId, executionId, timeout, cancellationToken);

    public Task ForceTerminateTaskOrchestrationAsync(string instanceId, string reason) => _inner.ForceTerminateTaskOrchestrationAsync(instanceId, reason);

    public Task<IList<OrchestrationState>> GetOrchestrationStateAsync(string instanceId, bool allExecutions) => _inner.GetOrchestrationStateAsync(instanceId, allExecutions);

    public Task<OrchestrationState> GetOrchestrationStateAsync(string instanceId, string executionId) => _inner.GetOrchestrationStateAsync(instanceId, executionId);

    public Task<string> GetOrchestrationHistoryAsync(string instanceId, string executionId) => _inner.GetOrchestrationHistoryAsync(instanceId, executionId);

    public Task PurgeOrchestrationHistoryAsync(DateTime thresholdDateTimeUtc, OrchestrationStateTimeRangeFilterType timeRangeFilterType) =>
        _inner.PurgeOrchestrationHistoryAsync(thresholdDateTimeUtc, timeRangeFilterType);

    public Task<OrchestrationQueryResult> GetOrchestrationWithQueryAsync(OrchestrationQuery query, CancellationToken cancellationToken) =>
        _inner.GetOrchestrationWithQueryAsync(query, cancellationToken);

    public Task<PurgeResult> PurgeInstanceStateAsync(string instanceId) => _inner.PurgeInstanceStateAsync(instanceId);

    public Task<PurgeResult> PurgeInstanceStateAsync(PurgeInstanceFilter purgeInstanceFilter) => _inner.PurgeInstanceStateAsync(purgeInstanceFilter);
}
