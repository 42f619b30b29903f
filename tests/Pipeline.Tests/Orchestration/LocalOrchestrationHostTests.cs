using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeyGenRender.Pipeline.Tests.Orchestration;

public sealed class LocalOrchestrationHostTests
{
    private readonly ManualTimeProvider _time = new();

    private sealed class Echo : IRenderActivity<string, string>
    {
        public static int Runs;

        public Task<string> RunAsync(string input, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Runs);
            return Task.FromResult(input.ToUpperInvariant());
        }
    }

    private sealed class Flaky : IRenderActivity<string, string>
    {
        public static int Attempts;

        public Task<string> RunAsync(string input, CancellationToken cancellationToken = default) =>
            Interlocked.Increment(ref Attempts) < 3 ? throw new IOException("transient") : Task.FromResult("ok");
    }

    private LocalOrchestrationHost Build(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddActivity<Echo, string, string>("Echo");
        services.AddActivity<Flaky, string, string>("Flaky");
        services.AddActivity<Echo, string, string>("Other");
        configure(services);
        var provider = services.BuildServiceProvider();
        return new LocalOrchestrationHost(provider, _time, NullLogger<LocalOrchestrationHost>.Instance);
    }

    private async Task<OrchestrationInstanceState> RunToEndAsync(LocalOrchestrationHost host, string id)
    {
        for (var i = 0; i < 100; i++)
        {
            await host.WaitForIdleAsync();
            var state = await host.GetInstanceAsync(id);
            if (state!.IsFinished || _time.NextDue is null)
            {
                return state;
            }

            _time.SetUtcNow(_time.NextDue.Value);
        }

        throw new TimeoutException("The instance did not finish.");
    }

    [Fact]
    public async Task Run_ActivitiesTimersAndEvents_ReplaysToTheSameOutput()
    {
        var host = Build(s => s.AddOrchestrator("Flow", async (_, ctx) =>
        {
            var a = await ctx.CallActivityAsync<string>("Echo", ctx.GetInput<string>());
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMinutes(5), CancellationToken.None);
            var e = await ctx.WaitForExternalEvent<string>("Go");
            var b = await Task.WhenAll(ctx.CallActivityAsync<string>("Echo", "x"), ctx.CallActivityAsync<string>("Echo", e));
            ctx.SetCustomStatus(new { step = "done" });
            return $"{a}-{b[0]}-{b[1]}@{ctx.CurrentUtcDateTime:HH:mm}";
        }));

        await host.ScheduleNewOrchestrationInstanceAsync("Flow", "abc", "i1");
        await host.RaiseEventAsync("i1", "go", "evt"); // buffered before anyone waits; names are case-insensitive
        var state = await RunToEndAsync(host, "i1");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("\"ABC-X-EVT@00:05\"", state.SerializedOutput);
        Assert.Contains("done", state.SerializedCustomStatus, StringComparison.Ordinal);
        var history = host.GetHistory("i1");
        Assert.Equal(3, history.Count(e => e.Type == HistoryEventType.TaskScheduled));
        Assert.True(history.Count(e => e.Type == HistoryEventType.OrchestratorStarted) >= 3, "each new event re-ran the orchestrator over its history");
    }

    [Fact]
    public async Task Run_OrchestratorBranchesOnProcessState_FailsAsNonDeterministic()
    {
        // Reading state that changes between runs (here a counter; in real code a clock, a random number or
        // Guid.NewGuid()) makes the replay schedule a different activity than the history holds.
        var runs = 0;
        var host = Build(s => s.AddOrchestrator("Bad", async (_, ctx) =>
        {
            var name = Interlocked.Increment(ref runs) == 1 ? "Echo" : "Other";
            await ctx.CallActivityAsync<string>(name, "a");
            await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddSeconds(1), CancellationToken.None);
            return 1;
        }));

        await host.ScheduleNewOrchestrationInstanceAsync("Bad", null, "bad");
        var state = await RunToEndAsync(host, "bad");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.StartsWith("Non-deterministic workflow detected", state.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_OrchestratorAwaitsRealDelay_FailsAsNonDeterministic()
    {
        var host = Build(s => s.AddOrchestrator("Sleeper", async (_, ctx) =>
        {
            await ctx.CallActivityAsync<string>("Echo", "a");
            await Task.Delay(TimeSpan.FromMinutes(1), _time); // not a durable timer
            return 1;
        }));

        await host.ScheduleNewOrchestrationInstanceAsync("Sleeper", null, "s");
        var state = await RunToEndAsync(host, "s");
        _time.Advance(TimeSpan.FromMinutes(2));
        state = (await host.GetInstanceAsync("s"))!;

        Assert.Equal(OrchestrationRuntimeStatus.Failed, state.RuntimeStatus);
        Assert.Contains("did not create", state.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallActivity_WithRetryPolicy_RetriesOnTheClockUntilSuccess()
    {
        Flaky.Attempts = 0;
        var host = Build(s => s.AddOrchestrator("Retry", (_, ctx) =>
            ctx.CallActivityAsync<string>("Flaky", "x", TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(10), 2)))));

        await host.ScheduleNewOrchestrationInstanceAsync("Retry", null, "r");
        var state = await RunToEndAsync(host, "r");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(3, Flaky.Attempts);
        Assert.Equal(TimeSpan.FromSeconds(30), _time.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task CallActivity_FailsWithoutRetry_ThrowsTaskFailedExceptionInOrchestrator()
    {
        Flaky.Attempts = 0;
        var host = Build(s => s.AddOrchestrator("Catch", async (_, ctx) =>
        {
            try
            {
                await ctx.CallActivityAsync<string>("Flaky", "x");
                return "no";
            }
            catch (TaskFailedException ex)
            {
                return ex.ErrorMessage;
            }
        }));

        await host.ScheduleNewOrchestrationInstanceAsync("Catch", null, "c");
        var state = await RunToEndAsync(host, "c");

        Assert.Equal("\"transient\"", state.SerializedOutput);
    }

    [Fact]
    public async Task WaitForExternalEvent_RacedWithTimer_TimerWinsAndLateEventIsHarmless()
    {
        var host = Build(s => s.AddOrchestrator("Race", async (_, ctx) =>
        {
            using var cts = new CancellationTokenSource();
            var evt = ctx.WaitForExternalEvent<string>("E", cts.Token);
            var timer = ctx.CreateTimer(ctx.CurrentUtcDateTime.AddMinutes(1), cts.Token);
            var winner = await Task.WhenAny(evt, timer);
            cts.Cancel();
            return winner == timer ? "timer" : "event";
        }));

        await host.ScheduleNewOrchestrationInstanceAsync("Race", null, "race");
        var state = await RunToEndAsync(host, "race");
        await host.RaiseEventAsync("race", "E", "late");
        await host.WaitForIdleAsync();

        Assert.Equal("\"timer\"", (await host.GetInstanceAsync("race"))!.SerializedOutput);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task CreateTimer_LosesRaceAndIsNotCancelled_InstanceRunsUntilTheTimerFires(bool cancelLoser)
    {
        var host = Build(s => s.AddOrchestrator("Loser", async (_, ctx) =>
        {
            using var cts = new CancellationTokenSource();
            var timer = ctx.CreateTimer(ctx.CurrentUtcDateTime.AddHours(1), cancelLoser ? cts.Token : CancellationToken.None);
            var winner = await Task.WhenAny(ctx.WaitForExternalEvent<string>("E"), timer);
            cts.Cancel();
            return winner == timer ? "timer" : "event";
        }));

        await host.ScheduleNewOrchestrationInstanceAsync("Loser", null, "loser");
        await host.WaitForIdleAsync();
        await host.RaiseEventAsync("loser", "E", "now");
        await host.WaitForIdleAsync();
        var afterEvent = (await host.GetInstanceAsync("loser"))!;
        var final = await RunToEndAsync(host, "loser");

        // Durable keeps an orchestration with a pending, uncancelled durable timer running until the timer fires.
        Assert.Equal(cancelLoser ? OrchestrationRuntimeStatus.Completed : OrchestrationRuntimeStatus.Running, afterEvent.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, final.RuntimeStatus);
        Assert.Equal("\"event\"", final.SerializedOutput);
        Assert.Equal(cancelLoser ? TimeSpan.Zero : TimeSpan.FromHours(1), _time.GetUtcNow() - new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task NewGuid_SameInstance_IsStableAcrossReplays()
    {
        var host = Build(s => s.AddOrchestrator("Guids", async (_, ctx) =>
        {
            var first = ctx.NewGuid();
            await ctx.CallActivityAsync<string>("Echo", first.ToString());
            await ctx.CallActivityAsync<string>("Echo", "b");
            return first == ctx.NewGuid() ? "same" : first.ToString();
        }));

        await host.ScheduleNewOrchestrationInstanceAsync("Guids", null, "g");
        var state = await RunToEndAsync(host, "g");

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var recorded = host.GetHistory("g").First(e => e.Type == HistoryEventType.TaskScheduled).Data;
        Assert.Equal(recorded, $"\"{state.SerializedOutput!.Trim('"')}\"");
    }

    [Fact]
    public async Task CreateReplaySafeLogger_LogsEachLineOnce()
    {
        var lines = new List<string>();
        var host = Build(s => s.AddOrchestrator("Logs", async (_, ctx) =>
        {
            var log = ctx.CreateReplaySafeLogger(new ListLogger(lines));
            log.LogInformation("start");
            await ctx.CallActivityAsync<string>("Echo", "a");
            log.LogInformation("middle");
            await ctx.CallActivityAsync<string>("Echo", "b");
            return 0;
        }));

        await host.ScheduleNewOrchestrationInstanceAsync("Logs", null, "l");
        await RunToEndAsync(host, "l");

        Assert.Equal(["start", "middle"], lines);
    }

    private sealed class ListLogger(List<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (lines)
            {
                lines.Add(formatter(state, exception));
            }
        }
    }
}
