using System.Diagnostics;
using System.Text.Json;
using HeyGen.Client;
using HeyGenRender.Pipeline.Telemetry;
using HeyGenRender.Pipeline.Tests.Scenarios;
using HeyGenRender.TestSupport;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace HeyGenRender.Pipeline.Tests.Telemetry;

/// <summary>
/// The pipeline's and the client's telemetry through the OpenTelemetry SDK with its in-memory exporters, for renders on
/// the real engine against the emulator: the span tree of one render (found by the trace id its result.json names), the
/// webhook's link to it, and the metrics. Other tests run renders at the same time, so spans are picked by trace id and
/// metrics are read as at-least values for this test's kinds.
/// </summary>
public sealed class RenderTelemetryTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string Spec = """
        {"version": 1, "kind": "avatar", "avatar": {"look_id": "look_emulator_anna_office", "voice_id": "voice_emulator_en_female", "script": "SCRIPT", "captions": "sidecar"}}
        """;

    [Fact]
    public async Task CompletedRender_IsOneTraceWithAStageAndActivityTree_AndTheWebhookLinksToIt()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(PipelineTelemetry.Name, HeyGenTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(PipelineTelemetry.Name, HeyGenTelemetry.Name).AddInMemoryExporter(metrics).Build();
        await using var h = await RenderHarness.StartAsync(azurite);

        var id = await h.StartRenderAsync(Spec.Replace("SCRIPT", "Telemetry, end to end.", StringComparison.Ordinal));
        await h.RunUntilFinishedAsync(id);
        tracing.ForceFlush();
        metering.ForceFlush();

        var result = JsonDocument.Parse((await h.ReadBlobAsync($"{id}/result.json"))!).RootElement;
        var traceId = result.GetProperty("trace_id").GetString();
        Assert.Equal(PipelineTelemetry.TraceIdFor(id), traceId);
        var render = spans.Where(s => s.TraceId.ToHexString() == traceId).OrderBy(s => s.StartTimeUtc).ToList();
        output.WriteLine(string.Join('\n', render.Select(s => $"{s.StartTimeUtc:HH:mm:ss.fff} {s.Duration.TotalMilliseconds,8:F1} ms  {Indent(s, render)}{s.DisplayName}")));

        var root = PipelineTelemetry.RenderContext(id).SpanId;
        var names = render.Select(s => s.DisplayName).ToList();
        Assert.Contains("render", names);
        Assert.Contains("render.stage upload", names);
        Assert.Contains("render.stage wait", names);
        Assert.Contains("render.stage download", names);
        // The starter plans the render (workflow revision 4), so no PrepareRender activity runs.
        Assert.DoesNotContain("render.PrepareRender", names);
        foreach (var activity in new[] { "AcquireRenderSlot", "CreateHeyGenJob", "DownloadOutputs", "WriteResult", "ReleaseRenderSlot" })
        {
            Assert.Contains($"render.{activity}", names);
        }

        // The workflow's spans hang off the render's root; HeyGen calls nest under the activity that made them.
        Assert.All(render.Where(s => s.Source.Name == PipelineTelemetry.Name), s => Assert.Equal(root, s.ParentSpanId));
        var create = render.Single(s => s.DisplayName == "render.CreateHeyGenJob");
        var post = Assert.Single(render, s => s.DisplayName == "HeyGen POST /v3/videos");
        Assert.Equal(create.SpanId, post.ParentSpanId);
        Assert.Equal(ActivityKind.Client, post.Kind);
        Assert.Equal(200, post.GetTagItem("http.response.status_code"));
        Assert.Equal("completed", render.Single(s => s.DisplayName == "render").GetTagItem("heygen_render.outcome"));
        Assert.DoesNotContain(render.SelectMany(s => s.Tags), t => t.Key.Contains("key", StringComparison.OrdinalIgnoreCase) || t.Key.Contains("signature", StringComparison.OrdinalIgnoreCase));

        // The webhook that ended the wait: received in its own trace, then dispatched in a span linked to the render's
        // trace and to the delivery's.
        var dispatch = Assert.Single(spans, s => s.DisplayName == "webhook dispatch" && (string?)s.GetTagItem(PipelineTelemetry.RenderIdAttribute) == id);
        Assert.Contains(dispatch.Links, l => l.Context.TraceId.ToHexString() == traceId);
        Assert.Equal("accepted", dispatch.GetTagItem("heygen_render.webhook.outcome"));
        var receive = Assert.Single(spans, s => s.DisplayName == "webhook receive" && dispatch.Links.Any(l => l.Context.TraceId == s.TraceId));
        Assert.Equal("received", receive.GetTagItem("heygen_render.webhook.outcome"));

        Assert.True(Sum(metrics, "heygen_render.renders.finished", ("heygen_render.outcome", "completed")) >= 1);
        Assert.True(Sum(metrics, "heygen_render.webhooks", ("heygen_render.webhook.outcome", "received")) >= 1);
        Assert.True(Sum(metrics, "heygen_render.webhooks.dispatched", ("heygen_render.webhook.outcome", "accepted")) >= 1);
        Assert.True(Sum(metrics, "heygen_render.transfer.size", ("heygen_render.transfer.direction", "download")) > 0);
        Assert.True(Count(metrics, "heygen_render.stage.duration") >= 3);
        Assert.True(Count(metrics, "heygen.client.request.duration") >= 3);
        Assert.True(Sum(metrics, "heygen_render.credits.estimated") > 0);
    }

    [Fact]
    public async Task FailedRender_CarriesTheFailureStageAndHeyGensCode()
    {
        var spans = new List<Activity>();
        var metrics = new List<Metric>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(PipelineTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var metering = Sdk.CreateMeterProviderBuilder().AddMeter(PipelineTelemetry.Name).AddInMemoryExporter(metrics).Build();
        await using var h = await RenderHarness.StartAsync(azurite);

        var id = await h.StartRenderAsync(Spec.Replace("SCRIPT", "This will break [[emulator:fail:internal_error]]", StringComparison.Ordinal));
        await h.RunUntilFinishedAsync(id);
        tracing.ForceFlush();
        metering.ForceFlush();

        var error = JsonDocument.Parse((await h.ReadBlobAsync($"{id}/error.json"))!).RootElement;
        Assert.Equal(PipelineTelemetry.TraceIdFor(id), error.GetProperty("trace_id").GetString());
        var render = Assert.Single(spans, s => s.DisplayName == "render" && s.TraceId.ToHexString() == PipelineTelemetry.TraceIdFor(id));
        Assert.Equal(ActivityStatusCode.Error, render.Status);
        Assert.Equal(("failed", "wait", "internal_error"), ((string?)render.GetTagItem("heygen_render.outcome"), (string?)render.GetTagItem("heygen_render.failure.stage"), (string?)render.GetTagItem("heygen_render.failure.code")));
        Assert.True(Sum(metrics, "heygen_render.renders.finished", ("heygen_render.outcome", "failed"), ("heygen_render.failure.code", "internal_error")) >= 1);
    }

    private static string Indent(Activity span, List<Activity> all)
    {
        var depth = 0;
        for (var parent = span.ParentSpanId; all.FirstOrDefault(s => s.SpanId == parent) is { } p; parent = p.ParentSpanId)
        {
            depth++;
        }

        return new string(' ', depth * 2);
    }

    private static List<MetricPoint> Points(List<Metric> metrics, string name, params (string Key, string Value)[] tags)
    {
        var points = new List<MetricPoint>();
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var found = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    found[tag.Key] = tag.Value;
                }

                if (tags.All(t => Equals(found.GetValueOrDefault(t.Key), t.Value)))
                {
                    points.Add(point);
                }
            }
        }

        return points;
    }

    private static double Sum(List<Metric> metrics, string name, params (string Key, string Value)[] tags) =>
        metrics.Where(m => m.Name == name).Select(m => m.MetricType).FirstOrDefault() switch
        {
            MetricType.DoubleSum => Points(metrics, name, tags).Sum(p => p.GetSumDouble()),
            _ => Points(metrics, name, tags).Sum(p => (double)p.GetSumLong()),
        };

    private static long Count(List<Metric> metrics, string name) => Points(metrics, name).Sum(p => p.GetHistogramCount());
}
