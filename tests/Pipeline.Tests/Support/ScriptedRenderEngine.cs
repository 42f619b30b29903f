using System.Collections.Concurrent;
using System.Text.Json;
using HeyGenRender.LocalDurableTask;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeyGenRender.Pipeline.Tests.Support;

/// <summary>
/// The real Durable Task engine (in-memory backend, the worker and client over gRPC) with a scripted orchestration
/// registered as <see cref="RenderWorkflowNames.Orchestrator"/>, for testing the intake (API, inbox, webhooks) without
/// running the workflow: each instance records the events it receives and becomes what the test tells it
/// (running with a custom status, completed with an output, failed with a message).
/// </summary>
internal sealed class ScriptedRenderEngine : IAsyncDisposable
{
    private const string ScriptEvent = "test-script";
    private const string SentinelEvent = "test-sentinel";
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    private readonly LocalDurableTaskHost _engine;
    private readonly IHost _worker;
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _sentinels = new(StringComparer.Ordinal);

    private ScriptedRenderEngine(LocalDurableTaskHost engine, IHost worker)
    {
        _engine = engine;
        _worker = worker;
        Client = worker.Services.GetRequiredService<DurableTaskClient>();
    }

    public DurableTaskClient Client { get; }

    /// <summary>The render events (webhook, cancel) instances received, in order.</summary>
    public ConcurrentQueue<(string InstanceId, string EventName, string? PayloadJson)> RaisedEvents { get; } = new();

    public static async Task<ScriptedRenderEngine> StartAsync()
    {
        var options = new LocalDurableTaskOptions { Backend = DurableBackend.InMemory };
        var engine = await LocalDurableTaskHost.StartAsync(options, NullLoggerFactory.Instance);
        ScriptedRenderEngine? self = null;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddLocalDurableTask(engine, options, tasks => tasks.AddOrchestratorFunc<JsonElement?, JsonElement?>(
            RenderWorkflowNames.Orchestrator, (context, _) => self!.RunAsync(context)), OrchestrationJson.Options);
        var worker = builder.Build();
        await worker.StartAsync();
        self = new ScriptedRenderEngine(engine, worker);
        return self;
    }

    /// <summary>Makes <paramref name="instanceId"/> (scheduled now with <paramref name="input"/> if it does not exist) reach <paramref name="status"/>.</summary>
    public async Task SetAsync(string instanceId, OrchestrationRuntimeStatus status, string? customStatus = null, string? input = null, string? failure = null, string? output = null)
    {
        if (await Client.GetInstanceAsync(instanceId) is null)
        {
            await Client.ScheduleNewOrchestrationInstanceAsync(RenderWorkflowNames.Orchestrator,
                input is null ? null : JsonDocument.Parse(input).RootElement, new StartOrchestrationOptions(instanceId));
        }

        if (status == OrchestrationRuntimeStatus.Terminated)
        {
            await Client.TerminateInstanceAsync(instanceId);
        }
        else
        {
            await Client.RaiseEventAsync(instanceId, ScriptEvent, new Script(status, customStatus, failure, output));
        }

        using var timeout = new CancellationTokenSource(s_wait);
        while ((await Client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, timeout.Token)) is not { } state
            || state.RuntimeStatus != status
            || (customStatus is not null && state.SerializedCustomStatus is null))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>
    /// Waits until <paramref name="instanceId"/> has processed every event sent to it so far (a sentinel event is sent
    /// last and events are processed in order), then returns the render events it received.
    /// </summary>
    public async Task<IReadOnlyList<(string EventName, string? PayloadJson)>> ReceivedAsync(string instanceId)
    {
        var seen = _sentinels.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await Client.RaiseEventAsync(instanceId, SentinelEvent);
        await seen.Task.WaitAsync(s_wait);
        _sentinels.TryRemove(instanceId, out _);
        return [.. RaisedEvents.Where(e => e.InstanceId == instanceId).Select(e => (e.EventName, e.PayloadJson))];
    }

    /// <summary>The render events received by every instance, once each running instance has processed all sent to it.</summary>
    public async Task<IReadOnlyList<(string InstanceId, string EventName, string? PayloadJson)>> AllReceivedAsync()
    {
        await foreach (var instance in Client.GetAllInstancesAsync(new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Running] }))
        {
            await ReceivedAsync(instance.InstanceId);
        }

        return [.. RaisedEvents];
    }

    /// <summary>Every instance the engine knows, by id.</summary>
    public async Task<IReadOnlyList<string>> InstancesAsync()
    {
        var ids = new List<string>();
        await foreach (var instance in Client.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            ids.Add(instance.InstanceId);
        }

        return ids;
    }

    public async ValueTask DisposeAsync()
    {
        await _worker.StopAsync();
        _worker.Dispose();
        await _engine.DisposeAsync();
    }

    private async Task<JsonElement?> RunAsync(TaskOrchestrationContext context)
    {
        for (var round = 0; round < 1000; round++)
        {
            using var cts = new CancellationTokenSource();
            var script = context.WaitForExternalEvent<Script>(ScriptEvent, cts.Token);
            var sentinel = context.WaitForExternalEvent<JsonElement?>(SentinelEvent, cts.Token);
            var webhook = context.WaitForExternalEvent<JsonElement?>(RenderEvents.HeyGenWebhook, cts.Token);
            var cancel = context.WaitForExternalEvent<JsonElement?>(RenderEvents.Cancel, cts.Token);
            var winner = await Task.WhenAny(script, sentinel, webhook, cancel);
            cts.Cancel();
            if (winner == script)
            {
                var s = script.Result;
                if (s.CustomStatus is not null)
                {
                    context.SetCustomStatus(JsonDocument.Parse(s.CustomStatus).RootElement);
                }

                if (s.Status == OrchestrationRuntimeStatus.Completed)
                {
                    return s.Output is null ? null : JsonDocument.Parse(s.Output).RootElement;
                }

                if (s.Status == OrchestrationRuntimeStatus.Failed)
                {
                    throw new InvalidOperationException(s.Failure ?? "failed");
                }
            }
            else if (winner == sentinel)
            {
                if (!context.IsReplaying && _sentinels.TryGetValue(context.InstanceId, out var seen))
                {
                    seen.TrySetResult();
                }
            }
            else if (!context.IsReplaying)
            {
                var payload = ((Task<JsonElement?>)winner).Result;
                RaisedEvents.Enqueue((context.InstanceId, winner == webhook ? RenderEvents.HeyGenWebhook : RenderEvents.Cancel, payload?.GetRawText()));
            }
        }

        return null;
    }

    private sealed record Script(OrchestrationRuntimeStatus Status, string? CustomStatus, string? Failure, string? Output);
}
