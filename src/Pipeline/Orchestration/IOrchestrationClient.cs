namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>
/// The subset of Durable Task's <c>DurableTaskClient</c> that starting, inspecting, cancelling and
/// notifying renders needs. The Functions app passes each call straight to <c>DurableTaskClient</c>;
/// the local executor implements it in process.
/// </summary>
public interface IOrchestrationClient
{
    /// <summary>Starts <paramref name="orchestratorName"/> as <paramref name="instanceId"/>; mirrors <c>ScheduleNewOrchestrationInstanceAsync</c>.</summary>
    /// <returns>The instance id.</returns>
    Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input, string instanceId, CancellationToken cancellationToken = default);

    /// <summary>The instance's state with its input, output and custom status as JSON, or null when no such instance exists.</summary>
    Task<OrchestrationInstanceState?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Delivers an external event to a running instance; mirrors <c>RaiseEventAsync</c>.</summary>
    Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload, CancellationToken cancellationToken = default);

    /// <summary>Stops an instance at once; mirrors <c>TerminateInstanceAsync</c>.</summary>
    Task TerminateInstanceAsync(string instanceId, object? output, CancellationToken cancellationToken = default);
}

/// <summary>A snapshot of one orchestration instance, as <c>OrchestrationMetadata</c> reports it.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="Name">The orchestrator's name.</param>
/// <param name="RuntimeStatus">Where the instance is in its life.</param>
/// <param name="CreatedAt">When the instance was scheduled.</param>
/// <param name="LastUpdatedAt">When its state last changed.</param>
/// <param name="SerializedInput">The input, as JSON.</param>
/// <param name="SerializedOutput">The output, as JSON, once completed.</param>
/// <param name="SerializedCustomStatus">The last custom status, as JSON.</param>
/// <param name="FailureMessage">Why it failed, when it did.</param>
public sealed record OrchestrationInstanceState(
    string InstanceId,
    string Name,
    OrchestrationRuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    string? SerializedInput,
    string? SerializedOutput,
    string? SerializedCustomStatus,
    string? FailureMessage)
{
    /// <summary>True once the instance can make no more progress.</summary>
    public bool IsFinished => RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}

/// <summary>Mirrors Durable Task's <c>OrchestrationRuntimeStatus</c> (same names and values).</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Running.</summary>
    Running = 0,

    /// <summary>Completed.</summary>
    Completed = 1,

    /// <summary>Continued as new.</summary>
    ContinuedAsNew = 2,

    /// <summary>Failed.</summary>
    Failed = 3,

    /// <summary>Canceled.</summary>
    Canceled = 4,

    /// <summary>Terminated.</summary>
    Terminated = 5,

    /// <summary>Scheduled, not yet started.</summary>
    Pending = 6,

    /// <summary>Suspended.</summary>
    Suspended = 7,
}
