using System.Collections.Concurrent;
using System.Text.Json;
using HeyGenRender.Pipeline.Orchestration;

namespace HeyGenRender.Pipeline.Tests.Api;

/// <summary>An <see cref="IOrchestrationClient"/> that records what the intake asks of it; instances never run.</summary>
internal sealed class RecordingOrchestrationClient : IOrchestrationClient
{
    private readonly ConcurrentDictionary<string, OrchestrationInstanceState> _instances = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string InstanceId, string EventName, string? PayloadJson)> RaisedEvents { get; } = new();

    public ConcurrentQueue<(string Name, string InstanceId)> Scheduled { get; } = new();

    /// <summary>How many of the next <see cref="RaiseEventAsync"/> calls fail as a transient error would.</summary>
    public int FailRaises { get; set; }

    public Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input, string instanceId, CancellationToken cancellationToken = default)
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var state = new OrchestrationInstanceState(instanceId, orchestratorName, OrchestrationRuntimeStatus.Pending, now, now, JsonSerializer.Serialize(input), null, null, null);
        if (!_instances.TryAdd(instanceId, state))
        {
            throw new InvalidOperationException($"An instance with id {instanceId} already exists.");
        }

        Scheduled.Enqueue((orchestratorName, instanceId));
        return Task.FromResult(instanceId);
    }

    public Task<OrchestrationInstanceState?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_instances.GetValueOrDefault(instanceId));

    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload, CancellationToken cancellationToken = default)
    {
        if (FailRaises > 0)
        {
            FailRaises--;
            throw new HttpRequestException("The task hub is unavailable.");
        }

        RaisedEvents.Enqueue((instanceId, eventName, eventPayload is null ? null : JsonSerializer.Serialize(eventPayload)));
        return Task.CompletedTask;
    }

    public Task TerminateInstanceAsync(string instanceId, object? output, CancellationToken cancellationToken = default)
    {
        Set(instanceId, OrchestrationRuntimeStatus.Terminated);
        return Task.CompletedTask;
    }

    /// <summary>Adds or updates an instance as the workflow would have left it.</summary>
    public void Set(string instanceId, OrchestrationRuntimeStatus status, string? customStatus = null, string? input = null, string? failure = null, string? output = null)
    {
        var now = new DateTimeOffset(2026, 1, 1, 0, 5, 0, TimeSpan.Zero);
        _instances.AddOrUpdate(
            instanceId,
            id => new OrchestrationInstanceState(id, "RenderOrchestrator", status, now, now, input, output, customStatus, failure),
            (_, old) => old with { RuntimeStatus = status, SerializedOutput = output ?? old.SerializedOutput, SerializedCustomStatus = customStatus ?? old.SerializedCustomStatus, FailureMessage = failure, LastUpdatedAt = now });
    }
}
