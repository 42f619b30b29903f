using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>
/// One execution episode of an orchestrator, as Durable runs it: the function is started from the beginning,
/// the recorded history is fed to it in order (IsReplaying true), then the new events (IsReplaying false).
/// Every action it takes is matched by sequence number against the history; a mismatch is non-determinism.
/// Actions beyond the history are new and are returned for the host to dispatch.
/// </summary>
internal sealed class ReplayEpisode : IRenderOrchestrationContext, IRenderOrchestrationEntities
{
    private readonly Dictionary<int, HistoryEvent> _pastActions = [];
    private readonly HashSet<int> _matched = [];
    private readonly Dictionary<int, Action<HistoryEvent>> _pending = [];
    private readonly Dictionary<string, LinkedList<Action<string?>>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<string?>> _buffered = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<int> _openTimers = [];
    private readonly string? _inputJson;
    private int _nextTaskId;
    private int _guidCounter;

    public ReplayEpisode(string instanceId, string? inputJson, IReadOnlyList<HistoryEvent> history)
    {
        InstanceId = instanceId;
        _inputJson = inputJson;
        foreach (var e in history.Where(e => e.IsAction))
        {
            _pastActions[e.TaskId] = e;
        }
    }

    public string InstanceId { get; }

    public DateTime CurrentUtcDateTime { get; private set; }

    public bool IsReplaying { get; private set; }

    public IRenderOrchestrationEntities Entities => this;

    /// <summary>Actions taken in this episode that the history does not hold yet.</summary>
    public List<HistoryEvent> NewActions { get; } = [];

    /// <summary>Set when the run contradicted its history.</summary>
    public string? NonDeterminism { get; private set; }

    public bool CustomStatusSet { get; private set; }

    /// <summary>
    /// True while a durable timer is neither fired nor cancelled. Durable keeps an orchestration running until every
    /// such timer is done, even after the orchestrator returned; the host does the same.
    /// </summary>
    public bool HasOpenTimers => _openTimers.Count > 0;

    /// <summary>Called when a task the context did not create completes after the episode ended (a foreign await).</summary>
    public Action? OnForeignAwait { get; init; }

    public object? CustomStatus { get; private set; }

    /// <summary>Runs the orchestrator over <paramref name="past"/> then <paramref name="fresh"/>; returns its task (possibly still pending).</summary>
    public Task<object?>? Run(Func<IRenderOrchestrationContext, Task<object?>> orchestrator, IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> fresh)
    {
        var sync = new EpisodeSynchronizationContext { OnLatePost = OnForeignAwait };
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(sync);
        Task<object?>? task = null;
        try
        {
            IsReplaying = true;
            for (var i = 0; i < past.Count + fresh.Count && NonDeterminism is null; i++)
            {
                if (i == past.Count)
                {
                    IsReplaying = false;
                }

                var e = i < past.Count ? past[i] : fresh[i - past.Count];
                if (task is { IsCompleted: true } && !HasOpenTimers)
                {
                    break;
                }

                Apply(e, orchestrator, ref task);
                sync.Drain();
            }

            if (NonDeterminism is null && task is not null)
            {
                var missing = _pastActions.Keys.Where(id => !_matched.Contains(id)).Order().FirstOrDefault(-1);
                if (missing >= 0)
                {
                    var e = _pastActions[missing];
                    NonDeterminism = $"history holds {e.Type} '{e.Name}' as task {missing}, which the orchestrator no longer schedules.";
                }
            }
        }
        finally
        {
            sync.Close();
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        return task;
    }

    private void Apply(HistoryEvent e, Func<IRenderOrchestrationContext, Task<object?>> orchestrator, ref Task<object?>? task)
    {
        switch (e.Type)
        {
            case HistoryEventType.OrchestratorStarted:
                CurrentUtcDateTime = e.Timestamp;
                break;
            case HistoryEventType.ExecutionStarted:
                task = orchestrator(this);
                break;
            case HistoryEventType.TaskCompleted or HistoryEventType.TaskFailed or HistoryEventType.TimerFired:
                _openTimers.Remove(e.TaskId);
                if (_pending.Remove(e.TaskId, out var complete))
                {
                    complete(e);
                }
                else if (!_matched.Contains(e.TaskId))
                {
                    NonDeterminism = $"history holds {e.Type} for task {e.TaskId}, which the orchestrator did not schedule.";
                }

                break;
            case HistoryEventType.EventRaised:
                Deliver(e.Name!, e.Data);
                break;
            default:
                break;
        }
    }

    private void Deliver(string name, string? data)
    {
        if (_waiters.TryGetValue(name, out var list) && list.First is { } first)
        {
            list.RemoveFirst();
            first.Value(data);
            return;
        }

        if (!_buffered.TryGetValue(name, out var queue))
        {
            _buffered[name] = queue = new Queue<string?>();
        }

        queue.Enqueue(data);
    }

    private int Schedule(HistoryEventType type, string name, string? data, object? extra)
    {
        var id = _nextTaskId++;
        if (_pastActions.TryGetValue(id, out var recorded))
        {
            if (recorded.Type != type || !string.Equals(recorded.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                NonDeterminism ??= $"history holds {recorded.Type} '{recorded.Name}' as task {id}, but the orchestrator now schedules {type} '{name}'.";
            }

            _matched.Add(id);
        }
        else if (IsReplaying)
        {
            NonDeterminism ??= $"the orchestrator scheduled {type} '{name}' as task {id} while replaying, which its history does not hold.";
        }
        else
        {
            NewActions.Add(new HistoryEvent(type, id, name, data, CurrentUtcDateTime) { Extra = extra });
        }

        return id;
    }

    private Task<T> Awaitable<T>(int id, string name)
    {
        var tcs = new TaskCompletionSource<T>();
        if (NonDeterminism is not null)
        {
            // Never completes: the episode is abandoned and the instance fails.
            return tcs.Task;
        }

        _pending[id] = e =>
        {
            if (e.Type == HistoryEventType.TaskFailed)
            {
                var failure = OrchestrationJson.Deserialize<FailureDetails>(e.Data) ?? new FailureDetails("Exception", "failed");
                tcs.TrySetException(new TaskFailedException(name, failure.ErrorType, failure.ErrorMessage));
            }
            else
            {
                tcs.TrySetResult(OrchestrationJson.Deserialize<T>(e.Data)!);
            }
        };
        return tcs.Task;
    }

    public T? GetInput<T>() => OrchestrationJson.Deserialize<T>(_inputJson);

    public Task<T> CallActivityAsync<T>(string name, object? input = null, TaskOptions? options = null)
    {
        var id = Schedule(HistoryEventType.TaskScheduled, name, OrchestrationJson.Serialize(input), options?.Retry);
        return Awaitable<T>(id, name);
    }

    public Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var utc = fireAt.Kind == DateTimeKind.Local ? fireAt.ToUniversalTime() : DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        var id = Schedule(HistoryEventType.TimerCreated, "timer", OrchestrationJson.Serialize(utc), utc);
        var task = Awaitable<object?>(id, "timer");
        _openTimers.Add(id);
        if (!cancellationToken.CanBeCanceled)
        {
            return task;
        }

        // Cancelling only abandons the wait; the timer stays in the history and its firing is ignored, as in Durable.
        var cancellable = new TaskCompletionSource();
        var registration = cancellationToken.Register(() =>
        {
            _openTimers.Remove(id);
            cancellable.TrySetCanceled(cancellationToken);
        });
        task.ContinueWith(
            _ =>
            {
                registration.Dispose();
                cancellable.TrySetResult();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return cancellable.Task;
    }

    public Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        if (_buffered.TryGetValue(eventName, out var queue) && queue.Count > 0)
        {
            return Task.FromResult(OrchestrationJson.Deserialize<T>(queue.Dequeue())!);
        }

        var tcs = new TaskCompletionSource<T>();
        if (!_waiters.TryGetValue(eventName, out var list))
        {
            _waiters[eventName] = list = new LinkedList<Action<string?>>();
        }

        var node = list.AddLast(data => tcs.TrySetResult(OrchestrationJson.Deserialize<T>(data)!));
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                {
                    list.Remove(node);
                }

                tcs.TrySetCanceled(cancellationToken);
            });
        }

        return tcs.Task;
    }

    public void SendEvent(string instanceId, string eventName, object payload) =>
        Schedule(HistoryEventType.EventSent, eventName, OrchestrationJson.Serialize(payload), instanceId);

    public void SetCustomStatus(object? customStatus)
    {
        CustomStatusSet = true;
        CustomStatus = customStatus;
    }

    public Guid NewGuid()
    {
        // Name-based and replay-safe: instance id, orchestration time and a per-episode counter.
        var name = $"{InstanceId}|{CurrentUtcDateTime:O}|{_guidCounter++}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    public ILogger CreateReplaySafeLogger(ILogger logger) => new ReplaySafeLogger(this, logger);

    public Task<TResult> CallEntityAsync<TResult>(EntityInstanceId id, string operationName, object? input = null)
    {
        var taskId = Schedule(HistoryEventType.EntityCalled, operationName, OrchestrationJson.Serialize(input), id);
        return Awaitable<TResult>(taskId, $"{id}.{operationName}");
    }

    public Task SignalEntityAsync(EntityInstanceId id, string operationName, object? input = null)
    {
        Schedule(HistoryEventType.EntitySignaled, operationName, OrchestrationJson.Serialize(input), id);
        return Task.CompletedTask;
    }

    internal sealed record FailureDetails(string ErrorType, string ErrorMessage);

    private sealed class ReplaySafeLogger(ReplayEpisode episode, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !episode.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!episode.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}

/// <summary>
/// Runs an episode's continuations on the episode's own thread, in order, so the orchestrator's steps are
/// deterministic. Work posted after the episode closed came from a task the context did not create.
/// </summary>
internal sealed class EpisodeSynchronizationContext : SynchronizationContext
{
    private readonly Queue<(SendOrPostCallback Callback, object? State)> _queue = new();
    private readonly object _gate = new();
    private bool _closed;

    public Action? OnLatePost { get; set; }

    public override void Post(SendOrPostCallback d, object? state)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _queue.Enqueue((d, state));
                return;
            }
        }

        OnLatePost?.Invoke();
    }

    public override void Send(SendOrPostCallback d, object? state) => Post(d, state);

    public override SynchronizationContext CreateCopy() => this;

    public void Drain()
    {
        while (true)
        {
            (SendOrPostCallback Callback, object? State) item;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out item))
                {
                    return;
                }
            }

            item.Callback(item.State);
        }
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            _queue.Clear();
        }
    }
}
