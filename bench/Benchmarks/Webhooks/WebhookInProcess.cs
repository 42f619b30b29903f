using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using HeyGen.Client;
using HeyGenRender.Benchmarks.Harness;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Webhooks;

namespace HeyGenRender.Benchmarks.Webhooks;

/// <summary>
/// BenchmarkDotNet: the verifier alone (verify + parse), the intake handler (verify, parse, journal; what HeyGen waits
/// for) and the dispatcher (de-duplicate, route, raise; after the answer), storage in memory.
/// </summary>
[MemoryDiagnoser]
public class WebhookIntakeBenchmarks
{
    private const string RenderId = "r-0123456789abcdef0123456789abcdef";
    private byte[] _body = [];
    private List<KeyValuePair<string, IEnumerable<string>>> _headers = [];
    private WebhookVerifier _verifier = null!;
    private WebhookIntake _intake = null!;
    private WebhookDispatcher _dispatcher = null!;
    private (byte[] Body, List<KeyValuePair<string, IEnumerable<string>>> Headers)[] _signed = [];
    private DateTimeOffset _now;
    private long _next;

    [GlobalSetup]
    public void Setup()
    {
        _now = TimeProvider.System.GetUtcNow();
        _body = WebhookFixtures.Body(RenderId, "vid_bench", "evt_bench");
        _headers = WebhookFixtures.Headers(_body, _now, "evt_bench");
        _verifier = new WebhookVerifier([WebhookFixtures.Secret], new WebhookVerifierOptions { Tolerance = TimeSpan.FromMinutes(30) });
        var orchestrations = new InMemoryOrchestrations(TimeProvider.System);
        orchestrations.AddRunning(RenderId);
        _intake = WebhookFixtures.Intake(TimeProvider.System);
        _signed = [.. Enumerable.Range(0, 4096).Select(i =>
        {
            var eventId = "evt_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var body = WebhookFixtures.Body(RenderId, "vid_bench", eventId);
            return (body, WebhookFixtures.Headers(body, _now, eventId));
        })];
        _dispatcher = WebhookFixtures.Dispatcher(TimeProvider.System, orchestrations);
    }

    [Benchmark(Description = "verify + parse (WebhookVerifier)")]
    public WebhookVerificationResult VerifyAndParse() => _verifier.Verify(_body, _headers);

    [Benchmark(Description = "intake: verify, parse, journal (WebhookIntake)")]
    public Task<ApiResponse> Intake()
    {
        // Signed ahead (signing is HeyGen's cost, not ours), each with its own event id, so every one is journaled.
        var (body, headers) = _signed[(int)(Interlocked.Increment(ref _next) % _signed.Length)];
        return _intake.HandleAsync(new MemoryStream(body, writable: false), headers);
    }

    // Timed as single calls only: under BenchmarkDotNet's pilot its in-memory markers grow without bound and the
    // in-process toolchain gives up ("takes too long to run").
    public Task<WebhookDispatchOutcome> Dispatch()
    {
        var eventId = "evt_d" + Interlocked.Increment(ref _next).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _dispatcher.DispatchAsync(new WebhookEntry
        {
            Notification = new WebhookNotification { EventId = eventId, EventType = "avatar_video.success", HeyGenId = "vid_bench", VideoId = "vid_bench", Status = "completed" },
            CallbackId = RenderId,
            ReceivedAt = _now,
        });
    }

    /// <summary>Runs BenchmarkDotNet in this process, then times single calls for percentiles; prints the figures.</summary>
    internal static async Task<int> RunChildAsync(Args args)
    {
        var quick = args.Flag("quick");
        // Quick: a dry job (one pass of each benchmark), a smoke test of the harness only.
        var job = (quick ? Job.Dry : Job.Default)
            .WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddColumn(StatisticColumn.P95)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "heygen-render-bdn"))
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<WebhookIntakeBenchmarks>(config);
        var figures = new Dictionary<string, double>();
        foreach (var report in summary.Reports)
        {
            var key = report.BenchmarkCase.Descriptor.WorkloadMethod.Name switch
            {
                nameof(VerifyAndParse) => "verify",
                nameof(Dispatch) => "dispatch",
                _ => "intake",
            };
            figures[key + "_mean_ns"] = report.ResultStatistics?.Mean ?? double.NaN;
            figures[key + "_p95_ns"] = report.ResultStatistics?.Percentiles.P95 ?? double.NaN;
            figures[key + "_alloc_bytes"] = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? double.NaN;
        }

        // BenchmarkDotNet's statistics are over iteration means; a user waits for single calls, so time those too.
        var calls = quick ? 5_000 : 200_000;
        var bench = new WebhookIntakeBenchmarks();
        bench.Setup();
        foreach (var (name, call) in new (string, Func<Task>)[] { ("verify", () => Task.FromResult(bench.VerifyAndParse())), ("intake", bench.Intake), ("dispatch", bench.Dispatch) })
        {
            for (var i = 0; i < calls / 10; i++)
            {
                await call();
            }

            var latencies = new double[calls];
            for (var i = 0; i < calls; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await call();
                latencies[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }

            Array.Sort(latencies);
            figures[name + "_call_p50_us"] = Percentiles.Of(latencies, 50);
            figures[name + "_call_p99_us"] = Percentiles.Of(latencies, 99);
            figures[name + "_call_max_us"] = latencies[^1];
            figures[name + "_call_mean_us"] = latencies.Average();
        }

        Child.WriteResult(figures);
        return 0;
    }
}
