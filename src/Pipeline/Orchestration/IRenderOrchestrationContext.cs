using Microsoft.Extensions.Logging;

namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>
/// The subset of Durable Task's <c>Microsoft.DurableTask.TaskOrchestrationContext</c> the render workflow uses.
/// Names, parameters and semantics are Durable's, so the Functions adapter passes each member straight through;
/// <see cref="LocalOrchestrationHost"/> implements it in process with history replay.
/// </summary>
/// <remarks>
/// Orchestrator code must be deterministic: no clock, GUID, randomness or I/O except through this context,
/// and never <c>ConfigureAwait(false)</c>. The code is re-run from the start on every new event.
/// </remarks>
public interface IRenderOrchestrationContext
{
    /// <summary>The instance id (Durable: <c>InstanceId</c>).</summary>
    string InstanceId { get; }

    /// <summary>The replay-safe current time in UTC (Durable: <c>CurrentUtcDateTime</c>).</summary>
    DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code re-runs over recorded history (Durable: <c>IsReplaying</c>).</summary>
    bool IsReplaying { get; }

    /// <summary>Entity operations (Durable: <c>Entities</c>, a <c>TaskOrchestrationEntityFeature</c>).</summary>
    IRenderOrchestrationEntities Entities { get; }

    /// <summary>The orchestration input (Durable: <c>GetInput&lt;T&gt;()</c>).</summary>
    T? GetInput<T>();

    /// <summary>Calls an activity by name (Durable: <c>CallActivityAsync&lt;T&gt;(TaskName, object?, TaskOptions?)</c>).</summary>
    /// <exception cref="TaskFailedException">The activity failed (after its retries).</exception>
    Task<T> CallActivityAsync<T>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>A durable timer (Durable: <c>CreateTimer(DateTime, CancellationToken)</c>); cancelling the token cancels the returned task.</summary>
    Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>
    /// Waits for an external event (Durable: <c>WaitForExternalEvent&lt;T&gt;(string, CancellationToken)</c>). Names are
    /// case-insensitive; an event raised before anyone waits is buffered; each event completes one wait.
    /// </summary>
    Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Raises an event on another instance (Durable: <c>SendEvent</c>); dropped when it does not exist.</summary>
    void SendEvent(string instanceId, string eventName, object payload);

    /// <summary>Sets the custom status the status APIs report (Durable: <c>SetCustomStatus</c>).</summary>
    void SetCustomStatus(object? customStatus);

    /// <summary>A replay-safe GUID (Durable: <c>NewGuid</c>).</summary>
    Guid NewGuid();

    /// <summary>A logger that writes only when not replaying (Durable: <c>CreateReplaySafeLogger(ILogger)</c>).</summary>
    ILogger CreateReplaySafeLogger(ILogger logger);
}

/// <summary>Mirrors <c>Microsoft.DurableTask.Entities.TaskOrchestrationEntityFeature</c> (the part the workflow uses).</summary>
public interface IRenderOrchestrationEntities
{
    /// <summary>Calls an entity operation and waits for its result (Durable: <c>CallEntityAsync&lt;TResult&gt;</c>).</summary>
    Task<TResult> CallEntityAsync<TResult>(EntityInstanceId id, string operationName, object? input = null);

    /// <summary>Signals an entity operation without waiting (Durable: <c>SignalEntityAsync</c>).</summary>
    Task SignalEntityAsync(EntityInstanceId id, string operationName, object? input = null);
}

/// <summary>Mirrors <c>Microsoft.DurableTask.Entities.EntityInstanceId</c>: an entity name (lower-cased, as Durable does) and key.</summary>
public readonly record struct EntityInstanceId
{
    /// <summary>Creates an id; the name is lower-cased as Durable does.</summary>
    public EntityInstanceId(string name, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(key);
        Name = name.ToLowerInvariant();
        Key = key;
    }

    /// <summary>The entity name.</summary>
    public string Name { get; }

    /// <summary>The entity key.</summary>
    public string Key { get; }

    /// <inheritdoc />
    public override string ToString() => $"@{Name}@{Key}";
}

/// <summary>Mirrors <c>Microsoft.DurableTask.TaskOptions</c> (retry only).</summary>
/// <param name="Retry">The retry policy, or null for a single attempt.</param>
public sealed record TaskOptions(RetryPolicy? Retry = null)
{
    /// <summary>Mirrors <c>TaskOptions.FromRetryPolicy</c>.</summary>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
}

/// <summary>
/// Mirrors <c>Microsoft.DurableTask.RetryPolicy</c>: same constructor parameters; the delay before retry n (1-based)
/// is <c>min(FirstRetryInterval * BackoffCoefficient^(n-1), MaxRetryInterval)</c>.
/// </summary>
/// <param name="MaxNumberOfAttempts">Attempts in all, including the first.</param>
/// <param name="FirstRetryInterval">The delay before the first retry.</param>
/// <param name="BackoffCoefficient">Growth of the delay per retry.</param>
/// <param name="MaxRetryInterval">The longest delay; null for one hour, Durable's default.</param>
/// <param name="RetryTimeout">Stop retrying after this long; null for no limit.</param>
public sealed record RetryPolicy(
    int MaxNumberOfAttempts,
    TimeSpan FirstRetryInterval,
    double BackoffCoefficient = 1.0,
    TimeSpan? MaxRetryInterval = null,
    TimeSpan? RetryTimeout = null)
{
    /// <summary>The delay before retry <paramref name="retry"/> (1-based).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var max = MaxRetryInterval ?? TimeSpan.FromHours(1);
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, Math.Max(0, retry - 1));
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>Mirrors <c>Microsoft.DurableTask.TaskFailedException</c>: an activity or entity call failed.</summary>
public sealed class TaskFailedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TaskFailedException(string taskName, string errorType, string errorMessage)
        : base($"Task '{taskName}' failed with {errorType}: {errorMessage}")
    {
        TaskName = taskName;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
    }

    /// <summary>The activity or entity operation that failed.</summary>
    public string TaskName { get; }

    /// <summary>The failure's exception type name (Durable: <c>FailureDetails.ErrorType</c>).</summary>
    public string ErrorType { get; }

    /// <summary>The failure's message (Durable: <c>FailureDetails.ErrorMessage</c>).</summary>
    public string ErrorMessage { get; }
}

/// <summary>
/// The orchestrator did something on replay that its recorded history contradicts (Durable:
/// <c>NonDeterministicOrchestrationException</c>); the instance fails with this message.
/// </summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonDeterministicOrchestrationException(string message)
        : base("Non-deterministic workflow detected: " + message)
    {
    }
}
