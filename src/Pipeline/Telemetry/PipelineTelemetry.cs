using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;

namespace HeyGenRender.Pipeline.Telemetry;

/// <summary>
/// The pipeline's OpenTelemetry sources, from <c>System.Diagnostics</c> only (hosts add the SDK and exporters): one
/// <see cref="ActivitySource"/> and one <see cref="Meter"/> named <see cref="Name"/>.
/// <para>
/// A render is one trace, whichever process and whichever retry each step runs in: its trace id and the id of its
/// (never exported) root are derived from the render id (<see cref="RenderContext"/>), so the intake, every activity,
/// the stage spans written at the end and the webhook's link all find the same trace without carrying context through
/// orchestration history. The trace id is written into result.json and error.json. The trigger's own trace (an HTTP
/// request, a blob trigger) is linked from the intake span.
/// </para>
/// </summary>
public static class PipelineTelemetry
{
    /// <summary>The name of the activity source and the meter: add it to the host's tracer and meter providers.</summary>
    public const string Name = "HeyGenRender.Pipeline";

    /// <summary>The render id attribute on every render span.</summary>
    public const string RenderIdAttribute = "heygen_render.render_id";

    internal static readonly ActivitySource Source = new(Name, typeof(PipelineTelemetry).Assembly.GetName().Version?.ToString());

    internal static readonly Meter Meter = new(Name, typeof(PipelineTelemetry).Assembly.GetName().Version?.ToString());

    /// <summary><c>heygen_render.renders.started</c>: renders started, by kind and source (<c>http</c>, <c>inbox</c>).</summary>
    internal static readonly Counter<long> RendersStarted = Meter.CreateCounter<long>("heygen_render.renders.started", "{render}", "Renders started.");

    /// <summary><c>heygen_render.renders.finished</c>: renders ended, by kind, outcome (completed, failed, cancelled), failed stage and code.</summary>
    internal static readonly Counter<long> RendersFinished = Meter.CreateCounter<long>("heygen_render.renders.finished", "{render}", "Renders finished, by outcome.");

    /// <summary><c>heygen_render.stage.duration</c>: seconds per stage of a finished render, by stage and kind.</summary>
    internal static readonly Histogram<double> StageDuration = Meter.CreateHistogram<double>("heygen_render.stage.duration", "s", "Duration of each render stage.");

    /// <summary><c>heygen_render.transfer.size</c>: bytes streamed, by direction (upload: blob to HeyGen; download: HeyGen to blob).</summary>
    internal static readonly Counter<long> TransferSize = Meter.CreateCounter<long>("heygen_render.transfer.size", "By", "Bytes streamed between Blob Storage and HeyGen.");

    /// <summary><c>heygen_render.webhooks</c>: webhook deliveries answered, by outcome (received, duplicate, invalid_signature, malformed_body, unavailable, …).</summary>
    internal static readonly Counter<long> Webhooks = Meter.CreateCounter<long>("heygen_render.webhooks", "{delivery}", "HeyGen webhook deliveries, by outcome.");

    /// <summary><c>heygen_render.webhooks.dispatched</c>: journaled webhooks dispatched to renders, by outcome (accepted, duplicate, unknown_render, render_finished, retry).</summary>
    internal static readonly Counter<long> WebhooksDispatched = Meter.CreateCounter<long>("heygen_render.webhooks.dispatched", "{delivery}", "Journaled HeyGen webhooks dispatched, by outcome.");

    /// <summary><c>heygen_render.credits.estimated</c>: HeyGen credits estimated for completed renders, by kind.</summary>
    internal static readonly Counter<double> CreditsEstimated = Meter.CreateCounter<double>("heygen_render.credits.estimated", "{credit}", "HeyGen credits estimated for completed renders.");

    private static int s_jobsInFlight;
    private static int s_jobLimit;

    static PipelineTelemetry()
    {
        Meter.CreateObservableGauge("heygen_render.heygen_jobs.in_flight", () => Volatile.Read(ref s_jobsInFlight), "{job}",
            "HeyGen jobs holding a slot, as last seen by this process.");
        Meter.CreateObservableGauge("heygen_render.heygen_jobs.limit", () => Volatile.Read(ref s_jobLimit), "{job}",
            "The HeyGen concurrency limit the slots enforce.");
    }

    /// <summary>The render's trace: its trace id and its root's span id, both derived from <paramref name="renderId"/>.</summary>
    /// <param name="renderId">The render id.</param>
    /// <returns>A remote parent context for the render's spans.</returns>
    public static ActivityContext RenderContext(string renderId)
    {
        ArgumentException.ThrowIfNullOrEmpty(renderId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("heygen-render trace\n" + renderId), hash);
        return new ActivityContext(ActivityTraceId.CreateFromBytes(hash[..16]), ActivitySpanId.CreateFromBytes(hash[16..24]), ActivityTraceFlags.Recorded, isRemote: true);
    }

    /// <summary>The render's trace id, as written into result.json and error.json (32 lowercase hex digits).</summary>
    /// <param name="renderId">The render id.</param>
    /// <returns>The trace id.</returns>
    public static string TraceIdFor(string renderId) => RenderContext(renderId).TraceId.ToHexString();

    /// <summary>Starts a span of render <paramref name="renderId"/>'s trace.</summary>
    /// <param name="name">The span name, for example <c>render.UploadAsset</c>.</param>
    /// <param name="renderId">The render.</param>
    /// <param name="kind">The span kind.</param>
    /// <param name="startTime">When it started, for a span written after the fact; now when default.</param>
    /// <param name="links">Links, for example to the trigger's trace.</param>
    /// <returns>The span, or null when no one listens.</returns>
    public static Activity? StartRenderSpan(string name, string renderId, ActivityKind kind = ActivityKind.Internal, DateTimeOffset startTime = default, IEnumerable<ActivityLink>? links = null)
    {
        var span = Source.StartActivity(name, kind, RenderContext(renderId), [new(RenderIdAttribute, renderId)], links, startTime);
        return span;
    }

    /// <summary>Runs one activity of render <paramref name="renderId"/> in its span: the same in every host.</summary>
    /// <typeparam name="T">The activity's result.</typeparam>
    /// <param name="activityName">The activity's name.</param>
    /// <param name="renderId">The orchestration instance, which is the render id; null when the host does not say.</param>
    /// <param name="run">The activity.</param>
    /// <returns>Its result.</returns>
    public static async Task<T> RunActivityAsync<T>(string activityName, string? renderId, Func<Task<T>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        using var span = string.IsNullOrEmpty(renderId) ? Source.StartActivity("render." + activityName) : StartRenderSpan("render." + activityName, renderId);
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            span?.SetStatus(ActivityStatusCode.Error, ex.Message);
            span?.SetTag("error.type", ex.GetType().FullName);
            span?.AddException(ex);
            throw;
        }
    }

    /// <summary>Records what the slots semaphore holds, for the in-flight gauge.</summary>
    /// <param name="inFlight">HeyGen jobs holding slots.</param>
    internal static void ObserveSlots(int inFlight) => Volatile.Write(ref s_jobsInFlight, inFlight);

    /// <summary>Records the limit the slots enforce, for the limit gauge.</summary>
    /// <param name="limit">The limit.</param>
    internal static void ObserveSlotLimit(int limit) => Volatile.Write(ref s_jobLimit, limit);

    /// <summary>A link to the current span (the trigger's), if there is one.</summary>
    /// <returns>The links.</returns>
    internal static ActivityLink[]? LinkToCurrent() => Activity.Current is { } current ? [new ActivityLink(current.Context)] : null;
}
