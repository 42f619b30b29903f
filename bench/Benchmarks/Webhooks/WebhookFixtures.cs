using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using HeyGen.Client;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Benchmarks.Webhooks;

/// <summary>Signed deliveries as HeyGen sends them, and the pipeline's intake wired to in-memory storage.</summary>
internal static class WebhookFixtures
{
    public const string Secret = "whsec_benchmark_0123456789abcdef0123456789abcdef";

    /// <summary>An <c>avatar_video.success</c> body for <paramref name="callbackId"/>, as the emulator sends it.</summary>
    public static byte[] Body(string callbackId, string videoId, string eventId) => Encoding.UTF8.GetBytes(
        $$"""{"event_id":"{{eventId}}","event_type":"avatar_video.success","event_data":{"video_id":"{{videoId}}","url":"https://files.example/video.mp4","gif_download_url":null,"video_page_url":"https://app.example/videos/{{videoId}}","folder_id":null,"callback_id":"{{callbackId}}"},"created_at":1767225600}""");

    public static List<KeyValuePair<string, IEnumerable<string>>> Headers(byte[] body, DateTimeOffset now, string eventId) =>
        [.. WebhookSigner.CreateHeaders(body, Secret, now, eventId).Select(h => KeyValuePair.Create(h.Key, (IEnumerable<string>)[h.Value]))];

    /// <summary>
    /// The real <see cref="WebhookIntake"/> (verify, parse, journal) whose journal queue answers in memory with the
    /// Queue service's reply (<see cref="CannedQueueTransport"/>): the handler's own cost, without storage's.
    /// The HTTP benchmark measures the same handler with Azurite behind it.
    /// </summary>
    public static WebhookIntake Intake(TimeProvider time)
    {
        var secrets = new ConfigurationSecretProvider(new StaticOptionsMonitor<SecretsOptions>(new SecretsOptions { WebhookSecret = Secret }));
        var storage = Options.Create(new StorageOptions());
        var queues = new QueueServiceClient(
            "DefaultEndpointsProtocol=http;AccountName=bench;AccountKey=YmVuY2g=;QueueEndpoint=http://127.0.0.1:1/bench;",
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Transport = new CannedQueueTransport() });
        var options = Options.Create(new WebhookIntakeOptions());
        return new WebhookIntake(
            secrets,
            new WebhookJournal(QueueJournalStore.For(queues, storage.Value.WebhookQueueName, options), options, NullLogger<WebhookJournal>.Instance),
            // Remembers almost nothing, so a benchmark that cycles through a few thousand signed deliveries journals every one.
            new RecentEventIds(2),
            time,
            options,
            NullLogger<WebhookIntake>.Instance);
    }

    /// <summary>
    /// The real <see cref="WebhookDispatcher"/> (de-duplicate, route, raise) with its storage in memory: markers in a
    /// dictionary instead of blobs, renders in a dictionary instead of Durable.
    /// </summary>
    public static WebhookDispatcher Dispatcher(TimeProvider time, InMemoryOrchestrations orchestrations) =>
        new(new InMemoryDedupe(Options.Create(new StorageOptions()), time), new NoIndex(), orchestrations, NullLogger<WebhookDispatcher>.Instance);

    private sealed class StaticOptionsMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }

    private sealed class InMemoryDedupe(IOptions<StorageOptions> options, TimeProvider time)
        : WebhookDedupe(new BlobServiceClient("UseDevelopmentStorage=true"), options, time)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _markers = new();

        public override Task<DedupeClaim> TryClaimAsync(string eventId, CancellationToken cancellationToken = default) =>
            Task.FromResult(new DedupeClaim(_markers.TryAdd(eventId, false) ? DedupeStatus.Claimed : DedupeStatus.Duplicate, MarkerName(eventId), Azure.ETag.All));

        public override Task CompleteAsync(DedupeClaim claim, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public override Task ReleaseAsync(DedupeClaim claim, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    private sealed class NoIndex : IHeyGenJobIndex
    {
        public Task RecordAsync(string heyGenId, string instanceId, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<string?> FindAsync(string heyGenId, CancellationToken cancellationToken = default) => Task.FromResult<string?>(null);
    }
}

/// <summary>
/// Running renders in memory, behind the real <see cref="DurableTaskClient"/> contract: the in-process benchmark measures
/// the handler alone (verification, dedupe, routing), so the engine's round trip is left out on purpose; the HTTP
/// benchmark against <c>serve</c> includes it. Raised events are counted; nothing else is supported.
/// </summary>
internal sealed class InMemoryOrchestrations(TimeProvider time) : DurableTaskClient("bench")
{
    private readonly Dictionary<string, OrchestrationMetadata> _instances = [];
    private long _raised;

    public long Raised => Interlocked.Read(ref _raised);

    public void AddRunning(string instanceId) => _instances[instanceId] = new OrchestrationMetadata("RenderOrchestrator", instanceId)
    {
        RuntimeStatus = OrchestrationRuntimeStatus.Running,
        CreatedAt = time.GetUtcNow(),
        LastUpdatedAt = time.GetUtcNow(),
    };

    public override Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        Task.FromResult(_instances.GetValueOrDefault(instanceId));

    public override Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        Interlocked.Increment(ref _raised);
        return Task.CompletedTask;
    }

    public override Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default) =>
        throw new NotSupportedException();

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) => throw new NotSupportedException();

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) => throw new NotSupportedException();

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
