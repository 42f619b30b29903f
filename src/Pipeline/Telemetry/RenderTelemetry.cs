using System.Diagnostics;
using System.Text.Json;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Telemetry;

/// <summary>
/// What a finished render tells the telemetry, written once by the result or error activity: the render's summary span
/// and one span per stage, from the durable timings (the orchestrator cannot hold a span open across replays and
/// processes), and the finished, stage-duration and credit metrics.
/// </summary>
internal static class RenderTelemetry
{
    /// <summary>Records the end of render <paramref name="renderId"/>.</summary>
    /// <param name="renderId">The render.</param>
    /// <param name="kind">Its kind, when known.</param>
    /// <param name="outcome"><c>completed</c>, <c>failed</c> or <c>cancelled</c>.</param>
    /// <param name="timings">The stage times.</param>
    /// <param name="failedStage">The failed stage, when it failed.</param>
    /// <param name="code">The failure code (HeyGen's or the pipeline's), when it failed.</param>
    /// <param name="heyGenId">HeyGen's id, when the job was created.</param>
    /// <param name="now">Now, the end of a render that did not reach its finish time.</param>
    /// <param name="credits">The credit estimate, when completed.</param>
    public static void Finished(string renderId, RenderKind? kind, string outcome, RenderTimings timings, DateTimeOffset now, string? failedStage = null, string? code = null, string? heyGenId = null, CreditEstimate? credits = null)
    {
        ArgumentNullException.ThrowIfNull(timings);
        var kindName = kind is { } k ? JsonNamingPolicy.SnakeCaseLower.ConvertName(k.ToString()) : "unknown";
        var end = timings.Finished is { } finished ? Utc(finished) : now;
        using (var render = PipelineTelemetry.StartRenderSpan("render", renderId, startTime: Utc(timings.Started)))
        {
            render?.SetTag("heygen_render.kind", kindName);
            render?.SetTag("heygen_render.outcome", outcome);
            render?.SetTag("heygen_render.heygen_id", heyGenId);
            if (outcome != "completed")
            {
                render?.SetStatus(ActivityStatusCode.Error, code);
                render?.SetTag("heygen_render.failure.stage", failedStage);
                render?.SetTag("heygen_render.failure.code", code);
                render?.SetTag("error.type", code);
            }

            render?.SetEndTime(end.UtcDateTime);
        }

        // Stages with a start and an end in the timings; a failed render has the stages it reached.
        (string Stage, DateTime? From, DateTime? To)[] stages =
        [
            (RenderStages.Upload, timings.Started, timings.Uploaded),
            (RenderStages.Queue + "+" + RenderStages.Create, timings.Uploaded, timings.Created),
            (RenderStages.Wait, timings.Created, timings.HeyGenFinished),
            (RenderStages.Download, timings.HeyGenFinished, timings.Finished),
        ];
        foreach (var (stage, from, to) in stages)
        {
            if (from is not { } start || to is not { } stop || stop < start)
            {
                continue;
            }

            using (var span = PipelineTelemetry.StartRenderSpan("render.stage " + stage, renderId, startTime: Utc(start)))
            {
                span?.SetTag("heygen_render.stage", stage);
                span?.SetEndTime(DateTime.SpecifyKind(stop, DateTimeKind.Utc));
            }

            PipelineTelemetry.StageDuration.Record((stop - start).TotalSeconds, new("heygen_render.stage", stage), new("heygen_render.kind", kindName));
        }

        PipelineTelemetry.RendersFinished.Add(1, new("heygen_render.kind", kindName), new("heygen_render.outcome", outcome),
            new("heygen_render.failure.stage", failedStage), new("heygen_render.failure.code", code));
        if (credits?.Estimated is { } estimated)
        {
            PipelineTelemetry.CreditsEstimated.Add((double)estimated, new KeyValuePair<string, object?>("heygen_render.kind", kindName));
        }
    }

    private static DateTimeOffset Utc(DateTime time) => new(DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
