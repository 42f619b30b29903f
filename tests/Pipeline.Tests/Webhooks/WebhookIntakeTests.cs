using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using HeyGen.Client;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Tests.Support;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.TestSupport;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Webhooks;

/// <summary>
/// The intake (verify, journal, answer) and the dispatcher behind it (de-duplicate, route, raise), on Azurite's
/// queue and blobs and the real Durable engine; each delivery the intake journals is dispatched here at once, as the
/// hosts' <see cref="WebhookJournalPump"/> does.
/// </summary>
public sealed class WebhookIntakeTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string Secret = "whsec_current";
    private const string PreviousSecret = "whsec_previous";

    private readonly AzuriteFixture _azurite;
    private readonly ManualTimeProvider _time = new();
    private ScriptedRenderEngine _orchestrations = null!;
    private readonly FakeSecrets _secrets = new();
    private readonly BlobServiceClient _blobs;
    private readonly BlobContainerClient _events;
    private readonly BlobHeyGenJobIndex _index;
    private readonly IOptions<StorageOptions> _storage;
    private WebhookJournal _journal = null!;
    private WebhookIntake _intake = null!;
    private WebhookDispatcher _dispatcher = null!;

    public WebhookIntakeTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        var blobs = _blobs = azurite.CreateServiceClient();
        var storage = _storage = Options.Create(new StorageOptions { WebhookEventsContainer = AzuriteFixture.UniqueContainerName("wh") });
        _events = blobs.GetBlobContainerClient(storage.Value.WebhookEventsContainer);
        _index = new BlobHeyGenJobIndex(blobs, storage);
        _secrets.Values[SecretNames.WebhookSecret] = Secret;
    }

    /// <summary>What the dispatcher did with each delivery the intake journaled, in order.</summary>
    private List<WebhookDispatchOutcome> Dispatched { get; } = [];

    public async Task InitializeAsync()
    {
        _orchestrations = await ScriptedRenderEngine.StartAsync();
        _journal = Journal(new QueueServiceClient(_azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }), localDispatch: true);
        _intake = Intake(_journal);
        _dispatcher = new WebhookDispatcher(new WebhookDedupe(_blobs, _storage, _time), _index, _orchestrations.Client, NullLogger<WebhookDispatcher>.Instance);
        await _orchestrations.SetAsync("r-running", OrchestrationRuntimeStatus.Running);
    }

    public async Task DisposeAsync() => await _orchestrations.DisposeAsync();

    [Fact]
    public async Task HandleAsync_SignedDeliveryWithCallbackId_RaisesEventOnThatRender()
    {
        var body = AvatarEvent("avatar_video.success", "vid_1", callbackId: "r-running");

        var response = await SendAsync(body, Secret, "evt_1");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("received", Status(response));
        Assert.Equal([WebhookDispatchOutcome.Accepted], Dispatched);
        var raised = Assert.Single(await _orchestrations.AllReceivedAsync());
        Assert.Equal(("r-running", RenderEvents.HeyGenWebhook), (raised.InstanceId, raised.EventName));
        var payload = JsonSerializer.Deserialize<WebhookNotification>(raised.PayloadJson!)!;
        Assert.Equal(new WebhookNotification { EventId = "evt_1", EventType = "avatar_video.success", HeyGenId = "vid_1", VideoId = "vid_1", Status = "completed" }, payload);
    }

    [Fact]
    public async Task HandleAsync_NoCallbackId_RoutesThroughTheJobIndex()
    {
        await _orchestrations.SetAsync("r-indexed", OrchestrationRuntimeStatus.Running);
        await _index.RecordAsync("vid_2", "r-indexed");
        var body = AvatarEvent("avatar_video.fail", "vid_2", callbackId: null, message: "Avatar not found");

        var response = await SendAsync(body, Secret, "evt_2");

        Assert.Equal(200, response.StatusCode);
        var raised = Assert.Single(await _orchestrations.AllReceivedAsync());
        Assert.Equal("r-indexed", raised.InstanceId);
        var payload = JsonSerializer.Deserialize<WebhookNotification>(raised.PayloadJson!)!;
        Assert.Equal(("failed", "Avatar not found"), (payload.Status, payload.FailureMessage));
    }

    [Fact]
    public async Task HandleAsync_TranslationEvent_RoutesByTranslationId()
    {
        await _orchestrations.SetAsync("r-translate", OrchestrationRuntimeStatus.Running);
        await _index.RecordAsync("vt_9", "r-translate");
        var body = Encoding.UTF8.GetBytes("""{"event_type":"video_translate.success","event_data":{"video_translation_id":"vt_9","output_language":"German","url":"https://x.test/v.mp4"}}""");

        var response = await SendAsync(body, Secret, "evt_t");

        Assert.Equal(200, response.StatusCode);
        var payload = JsonSerializer.Deserialize<WebhookNotification>(Assert.Single(await _orchestrations.AllReceivedAsync()).PayloadJson!)!;
        Assert.Equal(("vt_9", "German", "completed"), (payload.HeyGenId, payload.OutputLanguage, payload.Status));
    }

    [Fact]
    public async Task HandleAsync_PreviousSecretDuringRotation_IsAccepted()
    {
        _secrets.Values[SecretNames.WebhookSecretPrevious] = PreviousSecret;

        var response = await SendAsync(AvatarEvent("avatar_video.success", "vid_1", "r-running"), PreviousSecret, "evt_prev");

        Assert.Equal(200, response.StatusCode);
        Assert.Single(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_BodyOverLimit_Returns413BeforeAnySecretIsUsed()
    {
        var body = new byte[(64 * 1024) + 1];

        var response = await SendAsync(body, Secret, "evt_big");
        var declared = await _intake.HandleAsync(new MemoryStream([]), [new("Content-Length", ["999999"])]);

        Assert.Equal(413, response.StatusCode);
        Assert.Equal(413, declared.StatusCode);
        Assert.Equal(0, _secrets.Lookups);
    }

    [Fact]
    public async Task HandleAsync_WrongSignature_Returns401AndRaisesNothing()
    {
        var response = await SendAsync(AvatarEvent("avatar_video.success", "vid_1", "r-running"), "whsec_forged", "evt_forged");

        Assert.Equal(401, response.StatusCode);
        Assert.Empty(await _orchestrations.AllReceivedAsync());
        Assert.Equal(1, _secrets.RefreshAttempts);
    }

    [Fact]
    public async Task HandleAsync_MissingSignature_Returns401()
    {
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");
        var headers = WebhookSigner.CreateHeaders(body, Secret, _time.GetUtcNow(), "evt_nosig")
            .Where(h => h.Key != WebhookVerifier.SignatureHeader)
            .Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, [h.Value]));

        var response = await _intake.HandleAsync(new MemoryStream(body), headers);

        Assert.Equal(401, response.StatusCode);
    }

    [Theory]
    [InlineData(-10)]
    [InlineData(10)]
    public async Task HandleAsync_TimestampOutsideTolerance_Returns401(int minutes)
    {
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");

        var response = await SendAsync(body, Secret, "evt_time", _time.GetUtcNow().AddMinutes(minutes));

        Assert.Equal(401, response.StatusCode);
        Assert.Empty(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_SecretRotatedInKeyVault_RefreshesOnceAndAccepts()
    {
        _secrets.AfterRefresh[SecretNames.WebhookSecret] = "whsec_rotated";

        var response = await SendAsync(AvatarEvent("avatar_video.success", "vid_1", "r-running"), "whsec_rotated", "evt_rot");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(1, _secrets.RefreshAttempts);
    }

    [Fact]
    public async Task HandleAsync_SameEventIdTwice_AnswersDuplicateWithoutJournalingItAgain()
    {
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");

        var first = await SendAsync(body, Secret, "evt_dup");
        var second = await SendAsync(body, Secret, "evt_dup");

        Assert.Equal((200, 200), (first.StatusCode, second.StatusCode));
        Assert.Equal(("received", "duplicate"), (Status(first), Status(second)));
        Assert.Equal([WebhookDispatchOutcome.Accepted], Dispatched);
        Assert.Single(await _orchestrations.AllReceivedAsync());
        Assert.True(await _events.GetBlobClient(WebhookDedupe.MarkerPrefix + "evt_dup").ExistsAsync());
    }

    [Fact]
    public async Task HandleAsync_SameEventIdAtAnotherInstance_IsJournaledButDeliveredOnce()
    {
        // Two Functions instances share nothing in memory: the second journals the retry, the marker stops it.
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");
        var otherInstance = Intake(_journal);

        await SendAsync(body, Secret, "evt_scaled");
        var again = await SendAsync(body, Secret, "evt_scaled", intake: otherInstance);

        Assert.Equal("received", Status(again));
        Assert.Equal([WebhookDispatchOutcome.Accepted, WebhookDispatchOutcome.Duplicate], Dispatched);
        Assert.Single(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_ClaimHeldByACrashedWorker_IsRetriedAndDeliveredAfterTheClaimExpires()
    {
        // A worker claimed the event and crashed before finishing: its claim blocks, then expires.
        var dedupe = new WebhookDedupe(_blobs, Options.Create(new StorageOptions { WebhookEventsContainer = _events.Name }), _time);
        var abandoned = await dedupe.TryClaimAsync("evt_crash");
        Assert.Equal(DedupeStatus.Claimed, abandoned.Status);
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");

        var during = await SendAsync(body, Secret, "evt_crash");
        var batch = LastBatch!;
        _time.Advance(WebhookDedupe.ClaimTimeout);
        var redelivered = await _dispatcher.DispatchAllAsync(batch.Entries);

        Assert.Equal(200, during.StatusCode);
        Assert.Equal([WebhookDispatchOutcome.Retry], Dispatched);
        Assert.Equal([WebhookDispatchOutcome.Accepted], redelivered);
        Assert.Single(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_UnknownRender_IsReceivedAndDroppedByTheDispatcher()
    {
        var response = await SendAsync(AvatarEvent("avatar_video.success", "vid_unknown", "r-nobody"), Secret, "evt_unknown");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal([WebhookDispatchOutcome.UnknownRender], Dispatched);
        Assert.Empty(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_FinishedRender_IsReceivedAndDroppedByTheDispatcher()
    {
        await _orchestrations.SetAsync("r-finished", OrchestrationRuntimeStatus.Completed);

        var response = await SendAsync(AvatarEvent("avatar_video.success", "vid_1", "r-finished"), Secret, "evt_late");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal([WebhookDispatchOutcome.RenderFinished], Dispatched);
        Assert.Empty(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_JournalCannotBeWritten_Answers503AndTakesHeyGensRetry()
    {
        // A queue endpoint nobody listens on, without the SDK's retries: the write fails at once.
        var down = new QueueServiceClient(
            new Uri($"http://127.0.0.1:{FreePort()}/devstoreaccount1"),
            new Azure.Storage.StorageSharedKeyCredential("devstoreaccount1", "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="),
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Retry = { MaxRetries = 0 } });
        var recent = new RecentEventIds(100);
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");

        var failed = await SendAsync(body, Secret, "evt_down", intake: Intake(Journal(down, localDispatch: true), recent));
        var retried = await SendAsync(body, Secret, "evt_down", intake: Intake(_journal, recent));

        Assert.Equal(503, failed.StatusCode);
        Assert.Equal("30", failed.Headers["Retry-After"]);
        Assert.Equal("received", Status(retried));
        Assert.Single(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_BurstWhileWritesAreInFlight_SharesOneJournalMessage()
    {
        // Three writes are held in flight, one delivery each; the 47 deliveries that arrive meanwhile must all go in one more.
        var gate = new HoldSends();
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.AddPolicy(gate, Azure.Core.HttpPipelinePosition.PerCall);
        var journal = Journal(new QueueServiceClient(_azurite.ConnectionString, options), localDispatch: false);
        var intake = Intake(journal);
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");
        var answers = new List<Task<ApiResponse>>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add(SendAsync(body, Secret, $"evt_burst_{i}", intake: intake, dispatch: false));
            await WaitUntilAsync(() => gate.Held == answers.Count);
        }

        answers.AddRange(Enumerable.Range(3, 47).Select(i => SendAsync(body, Secret, $"evt_burst_{i}", intake: intake, dispatch: false)));
        await WaitUntilAsync(() => journal.PendingCount == 47);
        gate.Release.SetResult();
        await Task.WhenAll(answers);

        Assert.All(answers, a => Assert.Equal(200, a.Result.StatusCode));
        var messages = (await QueueOf(journal).Queue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal([1, 1, 1, 47], messages.Select(m => WebhookJournal.Parse(m.Body.ToString()).Count).Order());
        Assert.Equal(50, messages.SelectMany(m => WebhookJournal.Parse(m.Body.ToString())).Select(e => e.Notification.EventId).Distinct().Count());
    }

    [Fact]
    public async Task Pump_MessageLeftByAStoppedProcess_IsDispatchedAndDeleted()
    {
        // Written by a process with no dispatcher (the Functions app, or a serve that stopped): visible in the queue.
        var queues = new QueueServiceClient(_azurite.ConnectionString, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var left = Journal(queues, localDispatch: false);
        await SendAsync(AvatarEvent("avatar_video.success", "vid_1", "r-running"), Secret, "evt_left", intake: Intake(left), dispatch: false);
        await QueueOf(left).Queue.SendMessageAsync("not a journal message");

        using var host = PumpHost(queues);
        await host.StartAsync();
        await WaitUntilAsync(async () => (await _orchestrations.AllReceivedAsync()).Count == 1 && (await QueueOf(left).Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount == 0);
        await host.StopAsync();

        var raised = Assert.Single(await _orchestrations.AllReceivedAsync());
        Assert.Equal("r-running", raised.InstanceId);
        var poison = (await QueueOf(left).PoisonQueue.ReceiveMessagesAsync(32)).Value;
        Assert.Equal("not a journal message", Assert.Single(poison).Body.ToString());
    }

    [Fact]
    public async Task Pump_OnTheFileJournal_DispatchesWhatItWrote_RecoversWhatAStoppedProcessLeft_AndPoisonsTheUnreadable()
    {
        using var folder = new TempFolder();
        var options = Options.Create(new WebhookIntakeOptions { JournalFolder = folder.Path, LocalDispatch = true });

        // Left by a serve that stopped after acknowledging (a written file nobody holds), and a file that is not a message.
        using (var stopped = new FileJournalStore(options, _time))
        {
            var left = new WebhookJournal(stopped, Options.Create(new WebhookIntakeOptions { JournalFolder = folder.Path }), NullLogger<WebhookJournal>.Instance);
            Assert.Equal("received", Status(await SendAsync(AvatarEvent("avatar_video.success", "vid_1", "r-running"), Secret, "evt_left_on_disk", intake: Intake(left), dispatch: false)));
        }

        await File.WriteAllTextAsync(Path.Combine(folder.Path, "0000000000000000001-1-00000001.json"), "{\"v\":1,\"entr");

        using var store = new FileJournalStore(options, _time);
        using var host = PumpHost(store);
        await host.StartAsync();
        var journal = host.Services.GetRequiredService<WebhookJournal>();
        var intake = Intake(journal);
        await _orchestrations.SetAsync("r-second", OrchestrationRuntimeStatus.Running);
        Assert.Equal("received", Status(await SendAsync(AvatarEvent("avatar_video.success", "vid_2", "r-second"), Secret, "evt_written_here", intake: intake, dispatch: false)));

        await WaitUntilAsync(async () => (await _orchestrations.AllReceivedAsync()).Count == 2 && await store.CountAsync() == 0);
        await host.StopAsync();

        Assert.Equal(["r-running", "r-second"], (await _orchestrations.AllReceivedAsync()).Select(r => r.InstanceId).Order());
        Assert.Equal("{\"v\":1,\"entr", await File.ReadAllTextAsync(Assert.Single(Directory.GetFiles(store.PoisonFolder))));
    }

    [Fact]
    public async Task HandleAsync_FileJournalThatCannotBeWritten_Answers503AndTakesTheRetry()
    {
        using var folder = new TempFolder();
        var options = Options.Create(new WebhookIntakeOptions { JournalFolder = folder.Path });
        using var store = new FileJournalStore(options, _time);
        var intake = Intake(new WebhookJournal(store, options, NullLogger<WebhookJournal>.Instance));
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");

        // The folder is gone and a file stands in its place: no message can be created.
        Directory.Delete(folder.Path, recursive: true);
        await File.WriteAllTextAsync(folder.Path, "not a folder");
        var refused = await SendAsync(body, Secret, "evt_disk", intake: intake, dispatch: false);
        Assert.Equal(503, refused.StatusCode);
        Assert.Equal("30", refused.Headers["Retry-After"]);

        File.Delete(folder.Path);
        Directory.CreateDirectory(folder.Path);
        var retried = await SendAsync(body, Secret, "evt_disk", intake: intake, dispatch: false);
        Assert.Equal("received", Status(retried));
        var stored = Assert.Single(await store.ReceiveAsync(10));
        Assert.Equal("evt_disk", Assert.Single(WebhookJournal.Parse(stored.Text)).Notification.EventId);
    }

    [Fact]
    public async Task HandleAsync_CapturedDeliveryReplayedWithAFreshTimestampAndANewEventIdHeader_IsRejected()
    {
        // The signature covers the body only: the timestamp and event-id headers of a captured delivery can be rewritten.
        // The body's own event_id is signed, so de-duplication keys on it and a header that disagrees is refused.
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            event_id = "evt_signed",
            event_type = "avatar_video.success",
            event_data = new { video_id = "vid_1", callback_id = "r-running" },
        });

        var first = await SendAsync(body, Secret, "evt_signed");
        _time.Advance(TimeSpan.FromMinutes(1));
        var forged = await SendAsync(body, Secret, "evt_forged", _time.GetUtcNow());
        var replayed = await SendAsync(body, Secret, "evt_signed", _time.GetUtcNow());

        Assert.Equal((200, 400, 200), (first.StatusCode, forged.StatusCode, replayed.StatusCode));
        Assert.Equal("event_id_mismatch", JsonDocument.Parse(forged.Body!).RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("duplicate", Status(replayed));
        Assert.Single(await _orchestrations.AllReceivedAsync());
    }

    private static byte[] AvatarEvent(string type, string videoId, string? callbackId, string? message = null)
    {
        var data = new Dictionary<string, string?> { ["video_id"] = videoId, ["url"] = "https://files.test/v.mp4" };
        if (callbackId is not null)
        {
            data["callback_id"] = callbackId;
        }

        if (message is not null)
        {
            data["msg"] = message;
        }

        return JsonSerializer.SerializeToUtf8Bytes(new { event_type = type, event_data = data });
    }

    private WebhookJournalBatch? LastBatch { get; set; }

    // Delivers like HeyGen, then dispatches what the intake journaled, as the hosts' pump would.
    private async Task<ApiResponse> SendAsync(byte[] body, string secret, string eventId, DateTimeOffset? timestamp = null, WebhookIntake? intake = null, bool dispatch = true)
    {
        var headers = WebhookSigner.CreateHeaders(body, secret, timestamp ?? _time.GetUtcNow(), eventId)
            .Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, [h.Value]));
        var response = await (intake ?? _intake).HandleAsync(new MemoryStream(body), headers);
        if (dispatch && response.StatusCode == 200 && Status(response) == "received")
        {
            LastBatch = await _journal.Written.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            Dispatched.AddRange(await _dispatcher.DispatchAllAsync(LastBatch.Entries));
        }

        return response;
    }

    private static string? Status(ApiResponse response) => JsonDocument.Parse(response.Body!).RootElement.TryGetProperty("status", out var s) ? s.GetString() : null;

    private WebhookJournal Journal(QueueServiceClient queues, bool localDispatch)
    {
        var options = Options.Create(new WebhookIntakeOptions { LocalDispatch = localDispatch });
        return new(QueueJournalStore.For(queues, _storage.Value.WebhookQueueName, options), options, NullLogger<WebhookJournal>.Instance);
    }

    private static QueueJournalStore QueueOf(WebhookJournal journal) => Assert.IsType<QueueJournalStore>(journal.Store);

    private WebhookIntake Intake(WebhookJournal journal, RecentEventIds? recent = null) => new(
        _secrets,
        journal,
        recent ?? new RecentEventIds(1000),
        _time,
        Options.Create(new WebhookIntakeOptions { MaxBodyBytes = 64 * 1024 }),
        NullLogger<WebhookIntake>.Instance);

    private IHost PumpHost(QueueServiceClient queues) =>
        PumpHost(sp => QueueJournalStore.For(queues, _storage.Value.WebhookQueueName, sp.GetRequiredService<IOptions<WebhookIntakeOptions>>()));

    private IHost PumpHost(IWebhookJournalStore store) => PumpHost(_ => store);

    private IHost PumpHost(Func<IServiceProvider, IWebhookJournalStore> store)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(_storage);
        builder.Services.AddSingleton(Options.Create(new WebhookIntakeOptions { LocalDispatch = true, JournalPollInterval = TimeSpan.FromMilliseconds(100) }));
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<WebhookJournal>();
        builder.Services.AddSingleton(new WebhookDedupe(_blobs, _storage, _time));
        builder.Services.AddSingleton<IHeyGenJobIndex>(_index);
        builder.Services.AddSingleton(_orchestrations.Client);
        builder.Services.AddScoped<WebhookDispatcher>();
        builder.Services.AddHostedService<WebhookJournalPump>();
        return builder.Build();
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>Holds every message send (POST) of its pipeline until released, counting those held.</summary>
    private sealed class HoldSends : Azure.Core.Pipeline.HttpPipelinePolicy
    {
        private int _held;

        public int Held => Volatile.Read(ref _held);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Process(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline) =>
            ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

        public override async ValueTask ProcessAsync(Azure.Core.HttpMessage message, ReadOnlyMemory<Azure.Core.Pipeline.HttpPipelinePolicy> pipeline)
        {
            if (message.Request.Method == Azure.Core.RequestMethod.Post)
            {
                Interlocked.Increment(ref _held);
                await Release.Task.ConfigureAwait(false);
            }

            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
    }

    /// <summary>Secrets that change only when refreshed, counting lookups and refreshes.</summary>
    private sealed class FakeSecrets : ISecretProvider
    {
        public Dictionary<string, string> Values { get; } = [];

        public Dictionary<string, string> AfterRefresh { get; } = [];

        public int Lookups { get; private set; }

        public int RefreshAttempts { get; private set; }

        public ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default)
        {
            Lookups++;
            return ValueTask.FromResult(Values.GetValueOrDefault(name));
        }

        public ValueTask<bool> TryRefreshAsync(CancellationToken cancellationToken = default)
        {
            RefreshAttempts++;
            foreach (var (name, value) in AfterRefresh)
            {
                Values[name] = value;
            }

            return ValueTask.FromResult(AfterRefresh.Count > 0);
        }
    }
}
