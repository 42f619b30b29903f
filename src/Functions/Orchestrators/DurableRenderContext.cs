using HeyGenRender.Pipeline.Orchestration;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using DurableEntityId = Microsoft.DurableTask.Entities.EntityInstanceId;
using DurableRetryPolicy = Microsoft.DurableTask.RetryPolicy;
using DurableTaskFailedException = Microsoft.DurableTask.TaskFailedException;
using DurableTaskOptions = Microsoft.DurableTask.TaskOptions;
using EntityOperationFailedException = Microsoft.DurableTask.Entities.EntityOperationFailedException;
using PipelineTaskFailedException = HeyGenRender.Pipeline.Orchestration.TaskFailedException;
using PipelineTaskOptions = HeyGenRender.Pipeline.Orchestration.TaskOptions;

namespace HeyGenRender.Functions.Orchestrators;

/// <summary>
/// The pipeline's orchestration context over Durable's <see cref="TaskOrchestrationContext"/>: every member is a
/// pass-through. Durable's failure exceptions become the pipeline's <see cref="PipelineTaskFailedException"/>, so
/// the workflow handles a failed activity the same way here as under the local executor.
/// </summary>
internal sealed class DurableRenderContext : IRenderOrchestrationContext
{
    private readonly TaskOrchestrationContext _inner;

    public DurableRenderContext(TaskOrchestrationContext inner)
    {
        _inner = inner;
        Entities = new DurableRenderEntities(inner);
    }

    public string InstanceId => _inner.InstanceId;

    public DateTime CurrentUtcDateTime => _inner.CurrentUtcDateTime;

    public bool IsReplaying => _inner.IsReplaying;

    public IRenderOrchestrationEntities Entities { get; }

    public T? GetInput<T>() => _inner.GetInput<T>();

    public async Task<T> CallActivityAsync<T>(string name, object? input = null, PipelineTaskOptions? options = null)
    {
        try
        {
            return await _inner.CallActivityAsync<T>(new TaskName(name), input, ToDurable(options));
        }
        catch (DurableTaskFailedException ex)
        {
            throw new PipelineTaskFailedException(ex.TaskName, ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage);
        }
    }

    public Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken) => _inner.CreateTimer(fireAt, cancellationToken);

    public Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default) =>
        _inner.WaitForExternalEvent<T>(eventName, cancellationToken);

    public void SendEvent(string instanceId, string eventName, object payload) => _inner.SendEvent(instanceId, eventName, payload);

    public void SetCustomStatus(object? customStatus) => _inner.SetCustomStatus(customStatus);

    public Guid NewGuid() => _inner.NewGuid();

    // Durable's public overloads take a category, not a logger; this keeps the caller's logger and
    // applies the same rule as Durable's replay-safe logger: write only when not replaying.
    public ILogger CreateReplaySafeLogger(ILogger logger) => new ReplaySafeLogger(_inner, logger);

    internal static DurableTaskOptions? ToDurable(PipelineTaskOptions? options) =>
        options?.Retry is not { } retry
            ? null
            : DurableTaskOptions.FromRetryPolicy(new DurableRetryPolicy(
                retry.MaxNumberOfAttempts,
                retry.FirstRetryInterval,
                retry.BackoffCoefficient,
                retry.MaxRetryInterval,
                retry.RetryTimeout));

    private sealed class DurableRenderEntities(TaskOrchestrationContext inner) : IRenderOrchestrationEntities
    {
        public async Task<TResult> CallEntityAsync<TResult>(EntityInstanceId id, string operationName, object? input = null)
        {
            try
            {
                return await inner.Entities.CallEntityAsync<TResult>(new DurableEntityId(id.Name, id.Key), operationName, input);
            }
            catch (EntityOperationFailedException ex)
            {
                throw new PipelineTaskFailedException(ex.OperationName, ex.FailureDetails.ErrorType, ex.FailureDetails.ErrorMessage);
            }
        }

        public Task SignalEntityAsync(EntityInstanceId id, string operationName, object? input = null) =>
            inner.Entities.SignalEntityAsync(new DurableEntityId(id.Name, id.Key), operationName, input);
    }

    private sealed class ReplaySafeLogger(TaskOrchestrationContext context, ILogger logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                logger.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
