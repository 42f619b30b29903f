using System.Text;
using Azure.Storage.Blobs;
using HeyGen.Client;
using HeyGen.Emulator;
using HeyGenRender.LocalDurableTask;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Scenarios;

/// <summary>
/// One scenario's world: the emulator on a loopback port, Azurite (shared), the workflow on the real Durable Task engine
/// (a Microsoft.DurableTask worker and client over gRPC, on the in-memory backend unless a test asks for Azure Storage),
/// and the intake's webhook handler on a loopback Kestrel endpoint registered with the emulator. The engine's timers run
/// on real time, so renders are short (emulator: 1.5 s) and the workflow's intervals are scaled down to match.
/// The HeyGen client keeps its production retry and timeout settings.
/// </summary>
internal sealed class RenderHarness : IAsyncDisposable
{
    /// <summary>How long an emulated render takes unless a scenario says otherwise.</summary>
    public static readonly TimeSpan RenderDuration = TimeSpan.FromSeconds(1.5);

    private static readonly TimeSpan s_finishTimeout = TimeSpan.FromSeconds(90);

    private readonly IHost _worker;
    private readonly LocalDurableTaskHost _engine;
    private readonly WebApplication? _webhookApp;

    private RenderHarness(HeyGenEmulatorHost emulator, IHost worker, LocalDurableTaskHost engine, WebApplication? webhookApp, StorageOptions storage, ApiCallCounter counter)
    {
        Emulator = emulator;
        _worker = worker;
        _engine = engine;
        _webhookApp = webhookApp;
        Storage = storage;
        Calls = counter;
        Host = worker.Services.GetRequiredService<DurableTaskClient>();
        Blobs = worker.Services.GetRequiredService<BlobServiceClient>();
        Services = worker.Services;
    }

    public HeyGenEmulatorHost Emulator { get; }

    public DurableTaskClient Host { get; }

    public IServiceProvider Services { get; }

    public BlobServiceClient Blobs { get; }

    public StorageOptions Storage { get; }

    public ApiCallCounter Calls { get; }

    public int PeakJobsInProgress { get; private set; }

    public static async Task<RenderHarness> StartAsync(
        AzuriteFixture azurite, Action<EmulatorOptions>? emulator = null, Action<RenderWorkflowOptions>? workflow = null, bool webhooks = true,
        DurableBackend backend = DurableBackend.InMemory, Action<LocalDurableTaskOptions>? engine = null, string? extraOutputContainer = null)
    {
        var time = TimeProvider.System;
        var emulatorOptions = new EmulatorOptions { ApiKey = "test-key", RenderDuration = RenderDuration, RateLimitPerMinute = 0 };
        emulator?.Invoke(emulatorOptions);
        var host = await HeyGenEmulatorHost.StartAsync(emulatorOptions, time);

        var storage = new StorageOptions
        {
            ConnectionString = azurite.ConnectionString,
            RendersContainer = AzuriteFixture.UniqueContainerName("renders"),
            RequestsContainer = AzuriteFixture.UniqueContainerName("requests"),
            WebhookEventsContainer = AzuriteFixture.UniqueContainerName("events"),
        };
        if (extraOutputContainer is not null)
        {
            storage.OutputContainers.Add(storage.RendersContainer);
            storage.OutputContainers.Add(extraOutputContainer);
        }

        var secrets = new FixedSecrets();
        var counter = new ApiCallCounter();
        var durable = new LocalDurableTaskOptions
        {
            Backend = backend,
            StorageConnectionString = azurite.ConnectionString,
            TaskHub = "scenario" + Guid.NewGuid().ToString("N")[..12],
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100),
        };
        engine?.Invoke(durable);
        var engineHost = await LocalDurableTaskHost.StartAsync(durable, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        var worker = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        var services = worker.Services;
        worker.Logging.ClearProviders();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton<TimeProvider>(time);
        // The hosts' own composition (AddRenderIntake, AddRenderWorkflow), so a scenario exercises what they wire;
        // only the secrets are fixed (registered first, AddRenderIntake keeps them).
        services.AddSingleton<ISecretProvider>(secrets);
        services.AddRenderIntake(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}"] = storage.ConnectionString,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.RendersContainer)}"] = storage.RendersContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.RequestsContainer)}"] = storage.RequestsContainer,
            [$"{StorageOptions.SectionName}:{nameof(StorageOptions.WebhookEventsContainer)}"] = storage.WebhookEventsContainer,
        }.Concat(storage.OutputContainers.Select((name, i) => KeyValuePair.Create<string, string?>($"{StorageOptions.SectionName}:{nameof(StorageOptions.OutputContainers)}:{i}", name)))).Build());
        services.AddLocalWebhookDispatch();
        services.AddTransient(_ => counter);
        services.AddHeyGenClient(o =>
        {
            o.Endpoint = host.BaseAddress;
            o.ApiKey = host.ApiKey;
            o.TimeProvider = time;
            // Production retry settings (short HTTP retries inside an activity, a long Retry-After surfaced for a durable
            // timer); only the jitter is off so that a retry's delay, and with it the virtual timeline, is reproducible.
            o.RetryJitter = false;
            // Scaled like the render: a Retry-After above 1 s becomes a durable timer instead of an in-activity wait.
            o.MaxRetryAfter = TimeSpan.FromSeconds(1);
        }).AddHttpMessageHandler(() => counter.CreateHandler());
        services.AddRenderWorkflow();
        services.Configure<RenderWorkflowOptions>(o =>
        {
            // The production schedule, scaled from minutes to seconds like the emulated render.
            // The emulator takes the same time for every job, as the CLI tells the workflow when it embeds one.
            o.ExpectedRenderTime = RenderDuration;
            o.MinExpectedRenderTime = RenderDuration;
            o.RenderTimePerVideoSecond = 0;
            o.PollInterval = TimeSpan.FromSeconds(0.5);
            // Wide enough that a webhook delayed by a busy machine still beats the first safety-net poll (1.5 + 4 s).
            o.SafetyNetPollInterval = TimeSpan.FromSeconds(8);
            o.SlotRecheckInterval = TimeSpan.FromSeconds(1);
            workflow?.Invoke(o);
        });
        services.AddLocalDurableTask(engineHost, durable, tasks => tasks.AddRenderWorkflow(), OrchestrationJson.Options);
        var app0 = worker.Build();
        await app0.StartAsync();
        var provider = app0.Services;

        foreach (var name in new[] { storage.RendersContainer, storage.RequestsContainer, storage.WebhookEventsContainer })
        {
            await provider.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(name).CreateIfNotExistsAsync();
        }

        WebApplication? app = null;
        if (webhooks)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            app = builder.Build();
            app.MapPost(WebhookIntake.Route, async (HttpContext http) =>
            {
                await using var scope = provider.CreateAsyncScope();
                var intake = scope.ServiceProvider.GetRequiredService<WebhookIntake>();
                var answer = await intake.HandleAsync(http.Request.Body, http.Request.Headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value.Select(v => v ?? ""))), http.RequestAborted);
                http.Response.StatusCode = answer.StatusCode;
                if (answer.Body is not null)
                {
                    http.Response.ContentType = "application/json";
                    await http.Response.WriteAsync(answer.Body);
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var endpoint = await provider.GetRequiredService<HeyGenClient>().Webhooks.CreateEndpointAsync(new CreateWebhookEndpointRequest { Url = address + WebhookIntake.Route });
            secrets.WebhookSecret = endpoint.Secret;
        }

        counter.Reset();
        return new RenderHarness(host, app0, engineHost, app, storage, counter);
    }

    /// <summary>Stores the spec and starts a render, as the intake's start handler does.</summary>
    public async Task<string> StartRenderAsync(string specJson, string? id = null, TimeSpan? timeout = null, int workflowRevision = RenderRequest.CurrentWorkflowRevision, string? outputContainer = null)
    {
        id ??= RenderIds.New();
        var spec = RenderJobSpecParser.ParseValid(Encoding.UTF8.GetBytes(specJson));
        var jobBlob = new BlobLocation(Storage.RendersContainer, $"{id}/{RenderJobStore.JobFile}");
        await Blobs.GetBlobContainerClient(jobBlob.Container).GetBlobClient(jobBlob.Name).UploadAsync(BinaryData.FromString(specJson));
        var request = new RenderRequest
        {
            RenderId = id,
            Kind = spec.Kind,
            JobBlob = jobBlob,
            Output = new OutputLocation(outputContainer ?? Storage.RendersContainer, id),
            WaitMode = spec.Wait.Mode,
            Timeout = timeout ?? spec.Wait.Timeout,
            WorkflowRevision = workflowRevision,
            Plan = workflowRevision >= 4 ? await PlanAsync(spec) : null,
        };
        await Host.ScheduleNewOrchestrationInstanceAsync(RenderWorkflowNames.Orchestrator, request, new StartOrchestrationOptions(id));
        return id;
    }

    // As the starter plans a render: from the sizes its asset check found.
    private async Task<RenderPlan> PlanAsync(RenderJobSpec spec)
    {
        var assets = await Services.GetRequiredService<JobAssetChecker>().CheckAsync(spec);
        return Services.GetRequiredService<RenderPlanner>().Plan(spec, spec.Wait.Mode, assets.LengthOf);
    }

    /// <summary>Waits (polling the engine every 50 ms) until every render finished, running <paramref name="eachStep"/> at each look.</summary>
    public async Task<IReadOnlyList<OrchestrationMetadata>> RunUntilFinishedAsync(IReadOnlyList<string> ids, Func<Task>? eachStep = null)
    {
        using var timeout = new CancellationTokenSource(s_finishTimeout);
        while (true)
        {
            PeakJobsInProgress = Math.Max(PeakJobsInProgress, Emulator.State.JobsInProgress);
            var states = await Task.WhenAll(ids.Select(id => Host.GetInstanceAsync(id, getInputsAndOutputs: true)));
            if (states.All(s => s is { IsCompleted: true }))
            {
                return states!;
            }

            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException("The renders did not finish: " +
                    string.Join(", ", states.Where(s => s is not { IsCompleted: true }).Select(s => $"{s?.InstanceId} {s?.RuntimeStatus} {s?.SerializedCustomStatus}")));
            }

            if (eachStep is not null)
            {
                await eachStep();
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    public async Task<OrchestrationMetadata> RunUntilFinishedAsync(string id) => (await RunUntilFinishedAsync([id]))[0];

    /// <summary>Waits (polling every 50 ms) until <paramref name="condition"/> holds.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(s_finishTimeout);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Waited in vain for: {what}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }

    /// <summary>The render's custom status (JSON), or an empty string.</summary>
    public async Task<string> CustomStatusAsync(string id) =>
        (await Host.GetInstanceAsync(id, getInputsAndOutputs: true))?.SerializedCustomStatus ?? "";

    /// <summary>The HeyGen slot semaphore as the renders left it.</summary>
    public async Task<RenderSlots> SlotsAsync()
    {
        var blob = Blobs.GetBlobContainerClient(Storage.WebhookEventsContainer).GetBlobClient(RenderSlotStore.BlobName);
        return System.Text.Json.JsonSerializer.Deserialize<RenderSlots>((await blob.DownloadContentAsync()).Value.Content.ToMemory().Span,
            new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    public async Task<string?> ReadBlobAsync(string name)
    {
        var blob = Blobs.GetBlobContainerClient(Storage.RendersContainer).GetBlobClient(name);
        return await blob.ExistsAsync() ? (await blob.DownloadContentAsync()).Value.Content.ToString() : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_webhookApp is not null)
        {
            await _webhookApp.DisposeAsync();
        }

        await _worker.StopAsync();
        _worker.Dispose();
        await _engine.DisposeAsync();
        await Emulator.DisposeAsync();
    }

    private sealed class FixedSecrets : ISecretProvider
    {
        public string? WebhookSecret { get; set; }

        public ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(name == SecretNames.WebhookSecret ? WebhookSecret : null);

        public ValueTask<bool> TryRefreshAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(false);
    }
}

/// <summary>Counts the HeyGen API calls (paths under /v3/) the pipeline makes, by method and path shape.</summary>
internal sealed class ApiCallCounter
{
    private readonly List<(string Method, string Path, int Status)> _calls = [];
    private readonly List<(string Path, string Body)> _bodies = [];

    /// <summary>The JSON bodies of the POSTs sent to <paramref name="path"/>, in order.</summary>
    public IReadOnlyList<string> BodiesOf(string path)
    {
        lock (_calls)
        {
            return [.. _bodies.Where(b => b.Path == path).Select(b => b.Body)];
        }
    }

    public int Total
    {
        get
        {
            lock (_calls)
            {
                return _calls.Count;
            }
        }
    }

    public int Count(Func<(string Method, string Path, int Status), bool> predicate)
    {
        lock (_calls)
        {
            return _calls.Count(predicate);
        }
    }

    public string Describe()
    {
        lock (_calls)
        {
            return string.Join(", ", _calls.GroupBy(c => $"{c.Method} {Shape(c.Path)} {c.Status}").Select(g => $"{g.Key} x{g.Count()}"));
        }
    }

    public void Reset()
    {
        lock (_calls)
        {
            _calls.Clear();
            _bodies.Clear();
        }
    }

    public DelegatingHandler CreateHandler() => new Handler(this);

    private static string Shape(string path) =>
        string.Join('/', path.Split('/').Select(s => s.Length > 20 || s.Any(char.IsDigit) ? "{id}" : s));

    private sealed class Handler(ApiCallCounter owner) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // Create bodies are small JSON documents; uploads (PUT to the presigned URL) are never read here.
            var body = request.Method == HttpMethod.Post && request.Content?.Headers.ContentType?.MediaType == "application/json"
                ? await request.Content.ReadAsStringAsync(cancellationToken)
                : null;
            var response = await base.SendAsync(request, cancellationToken);
            if (request.RequestUri!.AbsolutePath.StartsWith("/v3/", StringComparison.Ordinal))
            {
                lock (owner._calls)
                {
                    owner._calls.Add((request.Method.Method, request.RequestUri.AbsolutePath, (int)response.StatusCode));
                    if (body is not null)
                    {
                        owner._bodies.Add((request.RequestUri.AbsolutePath, body));
                    }
                }
            }

            return response;
        }
    }
}
