namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>What a recorded history event is.</summary>
public enum HistoryEventType
{
    /// <summary>An episode began; its timestamp is the orchestration's current time.</summary>
    OrchestratorStarted,

    /// <summary>The instance started with its input.</summary>
    ExecutionStarted,

    /// <summary>An activity was scheduled.</summary>
    TaskScheduled,

    /// <summary>A durable timer was created.</summary>
    TimerCreated,

    /// <summary>An entity operation was called (and its reply awaited).</summary>
    EntityCalled,

    /// <summary>An entity operation was signalled (no reply).</summary>
    EntitySignaled,

    /// <summary>An event was sent to another instance.</summary>
    EventSent,

    /// <summary>An activity or entity call completed with a result.</summary>
    TaskCompleted,

    /// <summary>An activity or entity call failed.</summary>
    TaskFailed,

    /// <summary>A durable timer fired.</summary>
    TimerFired,

    /// <summary>An external event arrived.</summary>
    EventRaised,
}

/// <summary>One recorded event of an instance's history. Data is JSON: references and small values, never payloads.</summary>
/// <param name="Type">What happened.</param>
/// <param name="TaskId">The sequence number of the scheduled action it belongs to, or -1.</param>
/// <param name="Name">Activity, entity operation, event or timer name.</param>
/// <param name="Data">Input, result, payload or failure, as JSON.</param>
/// <param name="Timestamp">When it was recorded (orchestration time for actions).</param>
public sealed record HistoryEvent(HistoryEventType Type, int TaskId, string? Name, string? Data, DateTime Timestamp)
{
    /// <summary>True for the events that record an action the orchestrator took.</summary>
    public bool IsAction => Type is HistoryEventType.TaskScheduled or HistoryEventType.TimerCreated or HistoryEventType.EntityCalled
        or HistoryEventType.EntitySignaled or HistoryEventType.EventSent;

    /// <summary>Not part of the history identity: the retry policy of a scheduled activity, or the target of a sent event or entity call.</summary>
    internal object? Extra { get; init; }
}
