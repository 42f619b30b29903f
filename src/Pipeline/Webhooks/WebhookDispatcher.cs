using System.Diagnostics;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Telemetry;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>What became of one journaled delivery.</summary>
public enum WebhookDispatchOutcome
{
    /// <summary>Raised into its running render.</summary>
    Accepted,

    /// <summary>The event was delivered before (its de-duplication marker says done).</summary>
    Duplicate,

    /// <summary>No render has this callback id or HeyGen id.</summary>
    UnknownRender,

    /// <summary>Its render has finished; nothing to deliver.</summary>
    RenderFinished,

    /// <summary>Not delivered now (storage failed, or another worker holds its claim): the journal message stays and comes back.</summary>
    Retry,
}

/// <summary>
/// Delivers journaled webhooks to their renders: de-duplication on the signed event id (<see cref="WebhookDedupe"/>),
/// routing by <c>callback_id</c> or through <see cref="IHeyGenJobIndex"/>, then <see cref="RenderEvents.HeyGenWebhook"/>
/// raised on the render's orchestration. At-least-once from the journal, exactly once into a render.
/// </summary>
public sealed partial class WebhookDispatcher
{
    // Dispatchers are scoped (the Functions app binds the Durable client per invocation); their gate is per process.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, SemaphoreSlim> s_gates = new();

    private readonly WebhookDedupe _dedupe;
    private readonly IHeyGenJobIndex _index;
    private readonly DurableTaskClient _orchestrations;
    private readonly ILogger<WebhookDispatcher> _logger;
    private readonly int _concurrency;
    private readonly SemaphoreSlim _gate;

    /// <summary>Creates the dispatcher.</summary>
    /// <param name="dedupe">The de-duplication markers.</param>
    /// <param name="index">HeyGen id → render id.</param>
    /// <param name="orchestrations">The Durable Task client.</param>
    /// <param name="logger">Logs each outcome.</param>
    /// <param name="options">How many entries to dispatch at once (<see cref="WebhookIntakeOptions.DispatchConcurrency"/>).</param>
    public WebhookDispatcher(WebhookDedupe dedupe, IHeyGenJobIndex index, DurableTaskClient orchestrations, ILogger<WebhookDispatcher> logger, IOptions<WebhookIntakeOptions>? options = null)
    {
        ArgumentNullException.ThrowIfNull(dedupe);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(orchestrations);
        ArgumentNullException.ThrowIfNull(logger);
        _dedupe = dedupe;
        _index = index;
        _orchestrations = orchestrations;
        _logger = logger;
        _concurrency = Math.Max(1, options?.Value.DispatchConcurrency ?? 8);
        _gate = s_gates.GetOrAdd(_concurrency, n => new SemaphoreSlim(n, n));
    }

    /// <summary>Dispatches every entry of a journal message, <see cref="WebhookIntakeOptions.DispatchConcurrency"/> at a time.</summary>
    /// <param name="entries">The entries.</param>
    /// <param name="cancellationToken">Stops dispatching.</param>
    /// <returns>Each entry's outcome, in order; the message may be deleted when none is <see cref="WebhookDispatchOutcome.Retry"/>.</returns>
    public async Task<IReadOnlyList<WebhookDispatchOutcome>> DispatchAllAsync(IReadOnlyList<WebhookEntry> entries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var outcomes = new WebhookDispatchOutcome[entries.Count];
        await Parallel.ForAsync(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken }, async (i, token) =>
        {
            // One gate for the whole process, so batches dispatched side by side still share DispatchConcurrency.
            await _gate.WaitAsync(token).ConfigureAwait(false);
            try
            {
                outcomes[i] = await DispatchAsync(entries[i], token).ConfigureAwait(false);
            }
            finally
            {
                _gate.Release();
            }
        }).ConfigureAwait(false);
        return outcomes;
    }

    /// <summary>Dispatches one entry.</summary>
    /// <param name="entry">The verified delivery.</param>
    /// <param name="cancellationToken">Stops dispatching (the claim is released).</param>
    /// <returns>What became of it.</returns>
    public async Task<WebhookDispatchOutcome> DispatchAsync(WebhookEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        // Its own trace (the delivery's has ended), linked to the delivery's span; the render's trace is linked once found.
        ActivityLink[]? links = ActivityContext.TryParse(entry.TraceParent, null, out var received) ? [new ActivityLink(received)] : null;
        using var span = PipelineTelemetry.Source.StartActivity("webhook dispatch", ActivityKind.Internal, parentContext: default, links: links);
        var outcome = await DispatchCoreAsync(entry, cancellationToken).ConfigureAwait(false);
        var name = OutcomeName(outcome);
        span?.SetTag("heygen_render.webhook.outcome", name);
        PipelineTelemetry.WebhooksDispatched.Add(1, new KeyValuePair<string, object?>("heygen_render.webhook.outcome", name));
        return outcome;
    }

    /// <summary>The outcome as it appears in logs and metrics: <c>accepted</c>, <c>duplicate</c>, <c>unknown_render</c>, <c>render_finished</c>, <c>retry</c>.</summary>
    /// <param name="outcome">The outcome.</param>
    /// <returns>Its name.</returns>
    public static string OutcomeName(WebhookDispatchOutcome outcome) => outcome switch
    {
        WebhookDispatchOutcome.Accepted => "accepted",
        WebhookDispatchOutcome.Duplicate => "duplicate",
        WebhookDispatchOutcome.UnknownRender => "unknown_render",
        WebhookDispatchOutcome.RenderFinished => "render_finished",
        _ => "retry",
    };

    private async Task<WebhookDispatchOutcome> DispatchCoreAsync(WebhookEntry entry, CancellationToken cancellationToken)
    {
        var notification = entry.Notification;
        DedupeClaim? claim = null;
        try
        {
            if (!string.IsNullOrEmpty(notification.EventId))
            {
                claim = await _dedupe.TryClaimAsync(notification.EventId, cancellationToken).ConfigureAwait(false);
                if (claim.Status == DedupeStatus.Duplicate)
                {
                    Log.Duplicate(_logger, notification.EventId, notification.EventType);
                    return WebhookDispatchOutcome.Duplicate;
                }

                if (claim.Status == DedupeStatus.InProgress)
                {
                    return WebhookDispatchOutcome.Retry;
                }
            }

            var state = await FindInstanceAsync(entry, cancellationToken).ConfigureAwait(false);
            if (state is not null && Activity.Current is { } span && span.Source == PipelineTelemetry.Source)
            {
                span.AddLink(new ActivityLink(PipelineTelemetry.RenderContext(state.InstanceId)));
                span.SetTag(PipelineTelemetry.RenderIdAttribute, state.InstanceId);
                span.SetTag("heygen_render.webhook.event_type", notification.EventType);
            }

            if (state is null)
            {
                Log.UnknownInstance(_logger, notification.EventId, notification.EventType, notification.HeyGenId, entry.CallbackId);
                await CompleteAsync(claim, cancellationToken).ConfigureAwait(false);
                return WebhookDispatchOutcome.UnknownRender;
            }

            if (state.IsCompleted)
            {
                Log.FinishedInstance(_logger, notification.EventId, notification.EventType, state.InstanceId, state.RuntimeStatus);
                await CompleteAsync(claim, cancellationToken).ConfigureAwait(false);
                return WebhookDispatchOutcome.RenderFinished;
            }

            try
            {
                await _orchestrations.RaiseEventAsync(state.InstanceId, RenderEvents.HeyGenWebhook, notification, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // If it finished meanwhile, there is nothing to retry for.
                var now = await _orchestrations.GetInstanceAsync(state.InstanceId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
                if (now is null || now.IsCompleted)
                {
                    await CompleteAsync(claim, cancellationToken).ConfigureAwait(false);
                    return WebhookDispatchOutcome.RenderFinished;
                }

                throw;
            }

            await CompleteAsync(claim, cancellationToken).ConfigureAwait(false);
            Log.Delivered(_logger, notification.EventId, notification.EventType, state.InstanceId);
            return WebhookDispatchOutcome.Accepted;
        }
        catch (Exception ex)
        {
            // Release the claim so the journal's redelivery is processed instead of being taken for a duplicate.
            Log.DeliveryFailed(_logger, ex, notification.EventId, notification.EventType);
            if (claim is { Status: DedupeStatus.Claimed })
            {
                try
                {
                    await _dedupe.ReleaseAsync(claim, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Azure.RequestFailedException releaseError)
                {
                    // The claim then expires after WebhookDedupe.ClaimTimeout instead.
                    Log.ReleaseFailed(_logger, releaseError, notification.EventId);
                }
            }

            if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            return WebhookDispatchOutcome.Retry;
        }
    }

    // The render's state, found by callback_id (the instance id when the workflow set it, never anything but a render
    // id) or else through the HeyGen ids; null when there is no such render.
    private async Task<OrchestrationMetadata?> FindInstanceAsync(WebhookEntry entry, CancellationToken cancellationToken)
    {
        if (RenderIds.IsWellFormed(entry.CallbackId)
            && await _orchestrations.GetInstanceAsync(entry.CallbackId!, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is { } byCallback)
        {
            return byCallback;
        }

        var notification = entry.Notification;
        foreach (var id in new[] { notification.HeyGenId, notification.VideoId }.Distinct())
        {
            if (!string.IsNullOrEmpty(id) && await _index.FindAsync(id, cancellationToken).ConfigureAwait(false) is { } found)
            {
                return await _orchestrations.GetInstanceAsync(found, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    private Task CompleteAsync(DedupeClaim? claim, CancellationToken cancellationToken) =>
        claim is { Status: DedupeStatus.Claimed } ? _dedupe.CompleteAsync(claim, cancellationToken) : Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Webhook {EventId} ({EventType}) is a duplicate; dropped")]
        public static partial void Duplicate(ILogger logger, string eventId, string eventType);

        [LoggerMessage(EventId = 2203, Level = LogLevel.Warning, Message = "Webhook {EventId} ({EventType}) for HeyGen id {HeyGenId}, callback id {CallbackId}: no such render; dropped")]
        public static partial void UnknownInstance(ILogger logger, string eventId, string eventType, string? heyGenId, string? callbackId);

        [LoggerMessage(EventId = 2204, Level = LogLevel.Information, Message = "Webhook {EventId} ({EventType}) for render {RenderId}, which is {Status}; dropped")]
        public static partial void FinishedInstance(ILogger logger, string eventId, string eventType, string renderId, OrchestrationRuntimeStatus status);

        [LoggerMessage(EventId = 2205, Level = LogLevel.Information, Message = "Webhook {EventId} ({EventType}) delivered to render {RenderId}")]
        public static partial void Delivered(ILogger logger, string eventId, string eventType, string renderId);

        [LoggerMessage(EventId = 2206, Level = LogLevel.Error, Message = "Webhook {EventId} ({EventType}) could not be delivered now; the journal delivers it again")]
        public static partial void DeliveryFailed(ILogger logger, Exception exception, string eventId, string eventType);

        [LoggerMessage(EventId = 2207, Level = LogLevel.Warning, Message = "Could not release the de-duplication claim of webhook {EventId}; it expires on its own")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception, string eventId);
    }
}
