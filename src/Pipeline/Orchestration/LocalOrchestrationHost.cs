using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>
/// Runs orchestrations in process, the way Durable Task does, for the tests, the CLI and the benchmarks:
/// activities through DI (with their retry policies), durable timers on the injected <see cref="TimeProvider"/>,
/// external events, custom status and entities. Every instance keeps a history; on each new event the
/// orchestrator is re-run from the start against it (replay) and any action that contradicts the history
/// fails the instance with <see cref="NonDeterministicOrchestrationException"/>'s message.
/// </summary>
/// <remarks>
/// NOT durable: history lives in memory and is lost when the process ends; nothing resumes after a restart.
/// In Azure, Durable Functions is the durable engine and this class is not used.
/// </remarks>
public sealed partial class LocalOrchestrationHost : IOrchestrationClient
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<LocalOrchestrationHost> _logger;
    private readonly Dictionary<string, OrchestratorRegistration> _orchestrators;
    private readonly Dictionary<string, ActivityRegistration> _activities;
    private readonly Dictionary<string, EntityRegistration> _entities;
    private readonly ConcurrentDictionary<string, Instance> _instances = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EntityInstanceId, EntityCell> _entityStates = new();
    private readonly object _idleGate = new();
    private int _busy;
    private TaskCompletionSource? _idle;

    /// <summary>Creates the host over the registrations found in <paramref name="services"/>.</summary>
    public LocalOrchestrationHost(IServiceProvider services, TimeProvider timeProvider, ILogger<LocalOrchestrationHost> logger)
    {
        _services = services;
        _time = timeProvider;
        _logger = logger;
        _orchestrators = services.GetServices<OrchestratorRegistration>().ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        _activities = services.GetServices<ActivityRegistration>().ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
        _entities = services.GetServices<EntityRegistration>().ToDictionary(r => r.Name, StringComparer.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public Task<string> ScheduleNewOrchestrationInstanceAsync(string orchestratorName, object? input, string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        if (!_orchestrators.ContainsKey(orchestratorName))
        {
            throw new ArgumentException($"No orchestrator named '{orchestratorName}' is registered.", nameof(orchestratorName));
        }

        var now = _time.GetUtcNow();
        var instance = new Instance(instanceId, orchestratorName, OrchestrationJson.Serialize(input), now);
        var added = _instances.AddOrUpdate(
            instanceId,
            instance,
            (_, existing) => existing.IsFinished ? instance : throw new InvalidOperationException($"An instance with id '{instanceId}' is already running."));
        Enqueue(added, new HistoryEvent(HistoryEventType.ExecutionStarted, -1, orchestratorName, added.InputJson, now.UtcDateTime));
        return Task.FromResult(instanceId);
    }

    /// <inheritdoc />
    public Task<OrchestrationInstanceState?> GetInstanceAsync(string instanceId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_instances.TryGetValue(instanceId, out var i) ? i.Snapshot() : null);

    /// <summary>Every instance this host knows, newest first.</summary>
    public IReadOnlyList<OrchestrationInstanceState> ListInstances() =>
        [.. _instances.Values.Select(i => i.Snapshot()).OrderByDescending(s => s.CreatedAt)];

    /// <inheritdoc />
    /// <remarks>An event for an unknown or finished instance is dropped, as Durable does.</remarks>
    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload, CancellationToken cancellationToken = default)
    {
        RaiseSerializedEvent(instanceId, eventName, OrchestrationJson.Serialize(eventPayload));
        return Task.CompletedTask;
    }

    private void RaiseSerializedEvent(string instanceId, string eventName, string? payloadJson)
    {
        if (_instances.TryGetValue(instanceId, out var instance))
        {
            Enqueue(instance, new HistoryEvent(HistoryEventType.EventRaised, -1, eventName, payloadJson, _time.GetUtcNow().UtcDateTime));
        }
        else
        {
            Log.EventDropped(_logger, eventName, instanceId);
        }
    }

    /// <inheritdoc />
    public Task TerminateInstanceAsync(string instanceId, object? output, CancellationToken cancellationToken = default)
    {
        if (_instances.TryGetValue(instanceId, out var instance))
        {
            lock (instance)
            {
                if (!instance.IsFinished)
                {
                    Finish(instance, OrchestrationRuntimeStatus.Terminated, OrchestrationJson.Serialize(output), null);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Waits until the instance has finished (completed, failed or terminated).</summary>
    /// <exception cref="ArgumentException">No such instance.</exception>
    public async Task<OrchestrationInstanceState> WaitForInstanceCompletionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        if (!_instances.TryGetValue(instanceId, out var instance))
        {
            throw new ArgumentException($"No instance '{instanceId}'.", nameof(instanceId));
        }

        await instance.Finished.Task.WaitAsync(cancellationToken);
        return instance.Snapshot();
    }

    /// <summary>
    /// Completes when no episode, activity, entity operation or event delivery is in progress. Timers still
    /// armed do not count: with a manual clock, a test moves time to the next one and waits again.
    /// </summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (_idleGate)
        {
            if (_busy == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The recorded history of an instance (for tests and diagnostics).</summary>
    public IReadOnlyList<HistoryEvent> GetHistory(string instanceId) =>
        _instances.TryGetValue(instanceId, out var i) ? i.HistorySnapshot() : [];

    private void Busy()
    {
        lock (_idleGate)
        {
            _busy++;
        }
    }

    private void Done()
    {
        TaskCompletionSource? idle = null;
        lock (_idleGate)
        {
            if (--_busy == 0)
            {
                idle = _idle;
                _idle = null;
            }
        }

        idle?.TrySetResult();
    }

    private void Enqueue(Instance instance, HistoryEvent e)
    {
        lock (instance)
        {
            if (instance.IsFinished)
            {
                Log.EventDropped(_logger, e.Name ?? e.Type.ToString(), instance.Id);
                return;
            }

            instance.Inbox.Add(e);
            if (instance.Processing)
            {
                return;
            }

            instance.Processing = true;
            Busy();
        }

        _ = Task.Run(() => Process(instance));
    }

    private void Process(Instance instance)
    {
        try
        {
            while (true)
            {
                List<HistoryEvent> batch;
                lock (instance)
                {
                    if (instance.Inbox.Count == 0 || instance.IsFinished)
                    {
                        instance.Inbox.Clear();
                        instance.Processing = false;
                        return;
                    }

                    batch = [new HistoryEvent(HistoryEventType.OrchestratorStarted, -1, null, null, _time.GetUtcNow().UtcDateTime), .. instance.Inbox];
                    instance.Inbox.Clear();
                }

                RunEpisode(instance, batch);
            }
        }
        catch (Exception ex)
        {
            Log.HostFault(_logger, ex, instance.Id);
            lock (instance)
            {
                instance.Processing = false;
                if (!instance.IsFinished)
                {
                    Finish(instance, OrchestrationRuntimeStatus.Failed, null, ex.Message);
                }
            }
        }
        finally
        {
            Done();
        }
    }

    private void RunEpisode(Instance instance, List<HistoryEvent> batch)
    {
        var registration = _orchestrators[instance.Name];
        var past = instance.HistorySnapshot();
        var episode = new ReplayEpisode(instance.Id, instance.InputJson, past)
        {
            OnForeignAwait = () => FailNonDeterministic(instance, "the orchestrator awaited a task that the orchestration context did not create."),
        };
        var task = episode.Run(ctx => registration.Run(_services, ctx), past, batch);

        List<HistoryEvent> toDispatch;
        lock (instance)
        {
            if (instance.IsFinished)
            {
                return;
            }

            if (episode.NonDeterminism is not null)
            {
                Log.NonDeterminism(_logger, instance.Id, episode.NonDeterminism);
                Finish(instance, OrchestrationRuntimeStatus.Failed, null, new NonDeterministicOrchestrationException(episode.NonDeterminism).Message);
                return;
            }

            instance.History.AddRange(batch);
            instance.History.AddRange(episode.NewActions);
            instance.RuntimeStatus = OrchestrationRuntimeStatus.Running;
            instance.LastUpdatedAt = _time.GetUtcNow();
            if (episode.CustomStatusSet)
            {
                instance.CustomStatusJson = OrchestrationJson.Serialize(episode.CustomStatus);
            }

            toDispatch = episode.NewActions;

            // As in Durable, a timer neither fired nor cancelled keeps a returned orchestration running until it fires.
            if (task is { IsCompleted: true } && !episode.HasOpenTimers)
            {
                if (task.IsCompletedSuccessfully)
                {
                    Finish(instance, OrchestrationRuntimeStatus.Completed, OrchestrationJson.Serialize(task.Result), null);
                }
                else
                {
                    var error = task.Exception?.GetBaseException() ?? new TaskCanceledException();
                    Log.OrchestratorFailed(_logger, error, instance.Id);
                    Finish(instance, OrchestrationRuntimeStatus.Failed, null, $"{error.GetType().Name}: {error.Message}");
                }

                // A finished orchestration's outstanding actions are not carried out, except messages it sent.
                toDispatch = [.. toDispatch.Where(a => a.Type is HistoryEventType.EventSent or HistoryEventType.EntitySignaled)];
            }
        }

        foreach (var action in toDispatch)
        {
            Dispatch(instance, action);
        }
    }

    private void FailNonDeterministic(Instance instance, string message)
    {
        lock (instance)
        {
            if (!instance.IsFinished)
            {
                Log.NonDeterminism(_logger, instance.Id, message);
                Finish(instance, OrchestrationRuntimeStatus.Failed, null, new NonDeterministicOrchestrationException(message).Message);
            }
        }
    }

    // Called under the instance lock.
    private void Finish(Instance instance, OrchestrationRuntimeStatus status, string? outputJson, string? failure)
    {
        instance.RuntimeStatus = status;
        instance.OutputJson = outputJson;
        instance.FailureMessage = failure;
        instance.LastUpdatedAt = _time.GetUtcNow();
        foreach (var timer in instance.Timers.Values)
        {
            timer.Dispose();
        }

        instance.Timers.Clear();
        instance.Finished.TrySetResult();
    }

    private void Dispatch(Instance instance, HistoryEvent action)
    {
        switch (action.Type)
        {
            case HistoryEventType.TaskScheduled:
                Busy();
                _ = Task.Run(() => RunActivityAsync(instance, action));
                break;
            case HistoryEventType.TimerCreated:
                ArmTimer(instance, action);
                break;
            case HistoryEventType.EntityCalled or HistoryEventType.EntitySignaled:
                RunEntityOperation(instance, action);
                break;
            case HistoryEventType.EventSent:
                RaiseSerializedEvent((string)action.Extra!, action.Name!, action.Data);
                break;
            default:
                break;
        }
    }

    private void ArmTimer(Instance instance, HistoryEvent action)
    {
        var fireAt = new DateTimeOffset((DateTime)action.Extra!, TimeSpan.Zero);
        var fired = new HistoryEvent(HistoryEventType.TimerFired, action.TaskId, null, null, fireAt.UtcDateTime);
        var due = fireAt - _time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            Enqueue(instance, fired);
            return;
        }

        lock (instance)
        {
            if (instance.IsFinished)
            {
                return;
            }

            ITimer? timer = null;
            timer = _time.CreateTimer(
                _ =>
                {
                    lock (instance)
                    {
                        instance.Timers.Remove(action.TaskId);
                    }

                    timer?.Dispose();
                    Enqueue(instance, fired);
                },
                null,
                due,
                Timeout.InfiniteTimeSpan);
            instance.Timers[action.TaskId] = timer;
        }
    }

    private async Task RunActivityAsync(Instance instance, HistoryEvent action)
    {
        var policy = action.Extra as RetryPolicy;
        var started = _time.GetUtcNow();
        try
        {
            if (!_activities.TryGetValue(action.Name!, out var activity))
            {
                Enqueue(instance, Failed(action, new InvalidOperationException($"No activity named '{action.Name}' is registered.")));
                return;
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var scope = _services.CreateAsyncScope();
                    var result = await activity.Invoke(scope.ServiceProvider, action.Data, CancellationToken.None);
                    Enqueue(instance, new HistoryEvent(HistoryEventType.TaskCompleted, action.TaskId, action.Name, result, _time.GetUtcNow().UtcDateTime));
                    return;
                }
                catch (Exception ex)
                {
                    var retry = policy is not null && attempt < policy.MaxNumberOfAttempts
                        && (policy.RetryTimeout is null || _time.GetUtcNow() - started < policy.RetryTimeout);
                    Log.ActivityFailed(_logger, ex, action.Name!, instance.Id, attempt, retry);
                    if (!retry)
                    {
                        Enqueue(instance, Failed(action, ex));
                        return;
                    }
                }

                // Not busy while waiting: with a manual clock the test moves time to this delay. The timer is armed
                // before going idle and marks the host busy as it fires, so no observer sees a gap.
                var retryDue = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (var timer = _time.CreateTimer(
                    _ =>
                    {
                        Busy();
                        retryDue.TrySetResult();
                    },
                    null,
                    policy!.DelayBefore(attempt),
                    Timeout.InfiniteTimeSpan))
                {
                    Done();
                    await retryDue.Task;
                }
            }
        }
        finally
        {
            Done();
        }
    }

    private HistoryEvent Failed(HistoryEvent action, Exception ex) =>
        new(HistoryEventType.TaskFailed, action.TaskId, action.Name, OrchestrationJson.Serialize(new ReplayEpisode.FailureDetails(ex.GetType().FullName ?? "Exception", ex.Message)), _time.GetUtcNow().UtcDateTime);

    private void RunEntityOperation(Instance instance, HistoryEvent action)
    {
        var id = (EntityInstanceId)action.Extra!;
        HistoryEvent reply;
        if (!_entities.TryGetValue(id.Name, out var entity))
        {
            reply = Failed(action, new InvalidOperationException($"No entity named '{id.Name}' is registered."));
        }
        else
        {
            var cell = _entityStates.GetOrAdd(id, _ => new EntityCell());
            lock (cell)
            {
                var operation = new EntityOperation(id, action.Name!, action.Data, cell.StateJson);
                try
                {
                    var result = entity.Dispatch(operation);
                    cell.StateJson = operation.StateJson;
                    reply = new HistoryEvent(HistoryEventType.TaskCompleted, action.TaskId, action.Name, OrchestrationJson.Serialize(result), _time.GetUtcNow().UtcDateTime);
                }
                catch (Exception ex)
                {
                    reply = Failed(action, ex);
                }
            }
        }

        if (action.Type == HistoryEventType.EntityCalled)
        {
            Enqueue(instance, reply);
        }
    }

    /// <summary>The current state of an entity as JSON, or null (for tests and diagnostics).</summary>
    public string? GetEntityStateJson(EntityInstanceId id) =>
        _entityStates.TryGetValue(id, out var cell) ? cell.StateJson : null;

    private sealed class EntityCell
    {
        public string? StateJson { get; set; }
    }

    private sealed class Instance(string id, string name, string? inputJson, DateTimeOffset createdAt)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public string? InputJson { get; } = inputJson;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public DateTimeOffset LastUpdatedAt { get; set; } = createdAt;

        public OrchestrationRuntimeStatus RuntimeStatus { get; set; } = OrchestrationRuntimeStatus.Pending;

        public string? OutputJson { get; set; }

        public string? CustomStatusJson { get; set; }

        public string? FailureMessage { get; set; }

        public List<HistoryEvent> History { get; } = [];

        public List<HistoryEvent> Inbox { get; } = [];

        public Dictionary<int, ITimer> Timers { get; } = [];

        public bool Processing { get; set; }

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsFinished => RuntimeStatus is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;

        public List<HistoryEvent> HistorySnapshot()
        {
            lock (this)
            {
                return [.. History];
            }
        }

        public OrchestrationInstanceState Snapshot()
        {
            lock (this)
            {
                return new(Id, Name, RuntimeStatus, CreatedAt, LastUpdatedAt, InputJson, OutputJson, CustomStatusJson, FailureMessage);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Event {EventName} for unknown or finished instance {InstanceId} dropped.")]
        public static partial void EventDropped(ILogger logger, string eventName, string instanceId);

        [LoggerMessage(2, LogLevel.Error, "Instance {InstanceId} failed: non-deterministic orchestrator: {Detail}")]
        public static partial void NonDeterminism(ILogger logger, string instanceId, string detail);

        [LoggerMessage(3, LogLevel.Warning, "Orchestrator of instance {InstanceId} threw.")]
        public static partial void OrchestratorFailed(ILogger logger, Exception exception, string instanceId);

        [LoggerMessage(4, LogLevel.Warning, "Activity {Activity} of instance {InstanceId} failed on attempt {Attempt} (retrying: {Retrying}).")]
        public static partial void ActivityFailed(ILogger logger, Exception exception, string activity, string instanceId, int attempt, bool retrying);

        [LoggerMessage(5, LogLevel.Error, "The executor failed while running instance {InstanceId}.")]
        public static partial void HostFault(ILogger logger, Exception exception, string instanceId);
    }
}
