using System.Text;
using Azure.Storage.Blobs;
using HeyGen.Client;
using HeyGen.Emulator;
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
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Scenarios;

/// <summary>
/// One scenario's world: the emulator on a loopback port, Azurite (shared), the workflow on the replaying local executor,
/// the intake engineer's webhook handler on a loopback Kestrel endpoint registered with the emulator, and one
/// ManualTimeProvider driving all of them. The HeyGen client keeps its production retry and timeout settings.
/// </summary>
internal sealed class RenderHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly WebApplication? _webhookApp;

    private RenderHarness(ManualTimeProvider time, HeyGenEmulatorHost emulator, ServiceProvider services, WebApplication? webhookApp, StorageOptions storage, ApiCallCounter counter)
    {
        Time = time;
        Emulator = emulator;
        _services = services;
        _webhookApp = webhookApp;
        Storage = storage;
        Calls = counter;
        Host = services.GetRequiredService<LocalOrchestrationHost>();
        Blobs = services.GetRequiredService<BlobServiceClient>();
    }

    public ManualTimeProvider Time { get; }

    public HeyGenEmulatorHost Emulator { get; }

    public LocalOrchestrationHost Host { get; }

    public BlobServiceClient Blobs { get; }

    public StorageOptions Storage { get; }

    public ApiCallCounter Calls { get; }

    public int PeakJobsInProgress { get; private set; }

    public static async Task<RenderHarness> StartAsync(
        AzuriteFixture azurite, Action<EmulatorOptions>? emulator = null, Action<RenderWorkflowOptions>? workflow = null, bool webhooks = true)
    {
        var time = new ManualTimeProvider();
        var emulatorOptions = new EmulatorOptions { ApiKey = "test-key", RenderDuration = TimeSpan.FromMinutes(5), RateLimitPerMinute = 0 };
        emulator?.Invoke(emulatorOptions);
        var host = await HeyGenEmulatorHost.StartAsync(emulatorOptions, time);

        var storage = new StorageOptions
        {
            ConnectionString = azurite.ConnectionString,
            RendersContainer = AzuriteFixture.UniqueContainerName("renders"),
            RequestsContainer = AzuriteFixture.UniqueContainerName("requests"),
            WebhookEventsContainer = AzuriteFixture.UniqueContainerName("events"),
        };
        var secrets = new FixedSecrets();
        var counter = new ApiCallCounter();
        var services = new ServiceCollection();
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
        }).Build());
        services.AddTransient(_ => counter);
        services.AddHeyGenClient(o =>
        {
            o.Endpoint = host.BaseAddress;
            o.ApiKey = host.ApiKey;
            o.TimeProvider = time;
            // Production retry settings (short HTTP retries inside an activity, a long Retry-After surfaced for a durable
            // timer); only the jitter is off so that a retry's delay, and with it the virtual timeline, is reproducible.
            o.RetryJitter = false;
        }).AddHttpMessageHandler(() => counter.CreateHandler());
        services.AddRenderWorkflow();
        services.Configure<RenderWorkflowOptions>(o => workflow?.Invoke(o));
        services.AddLocalOrchestrationHost();
        var provider = services.BuildServiceProvider();

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
            var intake = provider.GetRequiredService<WebhookIntake>();
            app.MapPost(WebhookIntake.Route, async (HttpContext http) =>
            {
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
        return new RenderHarness(time, host, provider, app, storage, counter);
    }

    /// <summary>Stores the spec and starts a render, as the intake's start handler does.</summary>
    public async Task<string> StartRenderAsync(string specJson, string? id = null)
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
            Output = new OutputLocation(Storage.RendersContainer, id),
            WaitMode = spec.Wait.Mode,
            Timeout = spec.Wait.Timeout,
        };
        await Host.ScheduleNewOrchestrationInstanceAsync(RenderWorkflowNames.Orchestrator, request, id);
        return id;
    }

    /// <summary>Moves virtual time timer by timer until every render finished; no real sleeping.</summary>
    public async Task<IReadOnlyList<OrchestrationInstanceState>> RunUntilFinishedAsync(IReadOnlyList<string> ids, Func<Task>? eachStep = null, int maxSteps = 5000)
    {
        for (var step = 0; step < maxSteps; step++)
        {
            await SettleAsync();
            PeakJobsInProgress = Math.Max(PeakJobsInProgress, Emulator.State.JobsInProgress);
            var states = await Task.WhenAll(ids.Select(id => Host.GetInstanceAsync(id)));
            if (states.All(s => s!.IsFinished))
            {
                return states!;
            }

            if (eachStep is not null)
            {
                await eachStep();
                await SettleAsync();
            }

            var next = Time.NextDue ?? throw new InvalidOperationException("Nothing is scheduled, yet renders are unfinished: " +
                string.Join(", ", states.Where(s => !s!.IsFinished).Select(s => $"{s!.InstanceId} {s.SerializedCustomStatus}")));
            Time.SetUtcNow(next);
        }

        throw new TimeoutException("The renders did not finish.");
    }

    public Task<OrchestrationInstanceState> RunUntilFinishedAsync(string id) =>
        RunUntilFinishedAsync([id]).ContinueWith(t => t.Result[0], TaskScheduler.Default);

    public async Task SettleAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await Host.WaitForIdleAsync();
            await Emulator.WaitForIdleAsync();
        }

        await Host.WaitForIdleAsync();
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

        await _services.DisposeAsync();
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
