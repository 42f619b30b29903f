using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using HeyGen.Client;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Tests.Support;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.TestSupport;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Webhooks;

public sealed class WebhookIntakeTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string Secret = "whsec_current";
    private const string PreviousSecret = "whsec_previous";

    private readonly ManualTimeProvider _time = new();
    private ScriptedRenderEngine _orchestrations = null!;
    private readonly FakeSecrets _secrets = new();
    private readonly BlobServiceClient _blobs;
    private readonly BlobContainerClient _events;
    private readonly BlobHeyGenJobIndex _index;
    private readonly IOptions<StorageOptions> _storage;
    private WebhookIntake _intake = null!;

    public WebhookIntakeTests(AzuriteFixture azurite)
    {
        var blobs = _blobs = azurite.CreateServiceClient();
        var storage = _storage = Options.Create(new StorageOptions { WebhookEventsContainer = AzuriteFixture.UniqueContainerName("wh") });
        _events = blobs.GetBlobContainerClient(storage.Value.WebhookEventsContainer);
        _index = new BlobHeyGenJobIndex(blobs, storage);
        _secrets.Values[SecretNames.WebhookSecret] = Secret;
    }

    public async Task InitializeAsync()
    {
        _orchestrations = await ScriptedRenderEngine.StartAsync();
        _intake = new WebhookIntake(
            _secrets,
            new WebhookDedupe(_blobs, _storage, _time),
            _index,
            _orchestrations.Client,
            _time,
            Options.Create(new WebhookIntakeOptions { MaxBodyBytes = 64 * 1024 }),
            NullLogger<WebhookIntake>.Instance);
        await _orchestrations.SetAsync("r-running", OrchestrationRuntimeStatus.Running);
    }

    public async Task DisposeAsync() => await _orchestrations.DisposeAsync();

    [Fact]
    public async Task HandleAsync_SignedDeliveryWithCallbackId_RaisesEventOnThatRender()
    {
        var body = AvatarEvent("avatar_video.success", "vid_1", callbackId: "r-running");

        var response = await SendAsync(body, Secret, "evt_1");

        Assert.Equal(200, response.StatusCode);
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
    public async Task HandleAsync_SameEventIdTwice_DeliversOnceAndKeepsAMarker()
    {
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");

        var first = await SendAsync(body, Secret, "evt_dup");
        var second = await SendAsync(body, Secret, "evt_dup");

        Assert.Equal((200, 200), (first.StatusCode, second.StatusCode));
        Assert.Equal("duplicate", JsonDocument.Parse(second.Body!).RootElement.GetProperty("status").GetString());
        Assert.Single(await _orchestrations.AllReceivedAsync());
        Assert.True(await _events.GetBlobClient(WebhookDedupe.MarkerPrefix + "evt_dup").ExistsAsync());
    }

    [Fact]
    public async Task HandleAsync_ConcurrentDeliveryInFlight_AsksForRetryThenAcceptsAfterClaimExpires()
    {
        // A worker claimed the event and crashed before finishing: its claim blocks, then expires.
        var dedupe = new WebhookDedupe(_blobs, Options.Create(new StorageOptions { WebhookEventsContainer = _events.Name }), _time);
        var abandoned = await dedupe.TryClaimAsync("evt_crash");
        Assert.Equal(DedupeStatus.Claimed, abandoned.Status);
        var body = AvatarEvent("avatar_video.success", "vid_1", "r-running");

        var during = await SendAsync(body, Secret, "evt_crash");
        _time.Advance(WebhookDedupe.ClaimTimeout);
        var after = await SendAsync(body, Secret, "evt_crash", _time.GetUtcNow());

        Assert.Equal(503, during.StatusCode);
        Assert.Equal(200, after.StatusCode);
        Assert.Single(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_UnknownRender_Returns200AndRaisesNothing()
    {
        var response = await SendAsync(AvatarEvent("avatar_video.success", "vid_unknown", "r-nobody"), Secret, "evt_unknown");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("unknown_render", JsonDocument.Parse(response.Body!).RootElement.GetProperty("reason").GetString());
        Assert.Empty(await _orchestrations.AllReceivedAsync());
    }

    [Fact]
    public async Task HandleAsync_FinishedRender_Returns200AndRaisesNothing()
    {
        await _orchestrations.SetAsync("r-finished", OrchestrationRuntimeStatus.Completed);

        var response = await SendAsync(AvatarEvent("avatar_video.success", "vid_1", "r-finished"), Secret, "evt_late");

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("render_finished", JsonDocument.Parse(response.Body!).RootElement.GetProperty("reason").GetString());
        Assert.Empty(await _orchestrations.AllReceivedAsync());
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
        Assert.Equal("duplicate", JsonDocument.Parse(replayed.Body!).RootElement.GetProperty("status").GetString());
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

    private Task<ApiResponse> SendAsync(byte[] body, string secret, string eventId, DateTimeOffset? timestamp = null)
    {
        var headers = WebhookSigner.CreateHeaders(body, secret, timestamp ?? _time.GetUtcNow(), eventId)
            .Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, [h.Value]));
        return _intake.HandleAsync(new MemoryStream(body), headers);
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
