using System.Security.Cryptography;
using HeyGen.Client.Tests.Support;
using HeyGen.Emulator;
using HeyGenRender.TestSupport;

namespace HeyGen.Client.Tests;

/// <summary>Every client operation over real HTTP against the in-process HeyGen emulator, on virtual time.</summary>
public sealed class EmulatorEndToEndTests : IAsyncLifetime
{
    private const string Look = "look_emulator_anna_office";
    private const string Voice = "voice_emulator_en_female";
    private readonly ManualTimeProvider _time = new();
    private HeyGenEmulatorHost _emulator = null!;
    private HeyGenClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await HeyGenEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "e2e-key", RenderDuration = TimeSpan.FromMinutes(1) }, _time);
        _client = TestClients.Create(_emulator.BaseAddress, _time, o => o.ApiKey = "e2e-key");
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Users_GetCurrent_ReturnsTheAccount()
    {
        var user = await _client.Users.GetCurrentAsync();

        Assert.False(string.IsNullOrEmpty(user.Username));
    }

    [Fact]
    public async Task Assets_DirectUploadThenGetListDelete_RoundTrips()
    {
        const long length = 3 * 1024 * 1024 + 17;
        var sha = Sha256(new PatternStream(length, PatternStream.Mp4Prefix));

        var asset = await _client.Assets.UploadAsync(new PatternStream(length, PatternStream.Mp4Prefix), length, "clip.mp4", "video/mp4", new UploadOptions { Sha256Hex = sha });

        var fetched = await _client.Assets.GetAsync(asset.AssetId);
        Assert.Equal(asset.AssetId, fetched.Id);
        Assert.Equal("clip.mp4", fetched.Name);
        Assert.Equal(length, asset.SizeBytes);
        Assert.Contains(await ToListAsync(_client.Assets.ListAsync()), a => a.Id == asset.AssetId);
        await _client.Assets.DeleteAsync(asset.AssetId);
        var ex = await Assert.ThrowsAsync<HeyGenException>(() => _client.Assets.GetAsync(asset.AssetId));
        Assert.Equal(404, ex.Status);
    }

    // A re-run after a crash between complete and the caller's own record: the initialize is replayed by its key, its
    // asset is already complete and the upload URL refuses bytes (403); the upload ends with that asset, not an error.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Assets_DirectUploadAgainWithTheSameIdempotencyKey_ReturnsTheAssetTheFirstRunCompleted(bool declaredSha256)
    {
        const long length = 1024 * 1024 + 5;
        var sha = Sha256(new PatternStream(length, PatternStream.Mp4Prefix));
        UploadOptions Options() => declaredSha256
            ? new UploadOptions { Sha256Hex = sha, IdempotencyKey = "asset-rerun" }
            : new UploadOptions { Sha256AfterUpload = () => sha, IdempotencyKey = "asset-rerun" };
        var first = await _client.Assets.UploadAsync(new PatternStream(length, PatternStream.Mp4Prefix), length, "clip.mp4", "video/mp4", Options());

        var again = await _client.Assets.UploadAsync(new PatternStream(length, PatternStream.Mp4Prefix), length, "clip.mp4", "video/mp4", Options());

        Assert.Equal(first.AssetId, again.AssetId);
        Assert.Equal("ready", Assert.Single(_emulator.State.Assets).Status);
    }

    // Without an earlier complete, a refused PUT is the error it was: complete is asked once and its 409 is not what surfaces.
    [Fact]
    public async Task Assets_DirectUploadPutRefusedAndNothingCompletedBefore_ThrowsThePutsRefusal()
    {
        const long length = 1024 * 1024;
        var upload = await _client.Assets.CreateDirectUploadAsync(new CreateDirectUploadRequest { FileName = "clip.mp4", ContentType = "video/mp4", SizeBytes = length }, "asset-refused");
        _time.Advance(TimeSpan.FromSeconds((upload.ExpiresInSeconds ?? 3600) + 1));

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => _client.Assets.UploadAsync(
            new PatternStream(length, PatternStream.Mp4Prefix), length, "clip.mp4", "video/mp4", new UploadOptions { IdempotencyKey = "asset-refused" }));

        Assert.Equal(403, ex.Status);
        Assert.Contains("expired", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.NotEqual("ready", _emulator.State.Assets.Single().Status);
    }

    [Fact]
    public async Task Assets_UploadMultipart_ReturnsTheAsset()
    {
        using var png = new MemoryStream([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);

        var asset = await _client.Assets.UploadMultipartAsync(png, "tiny.png", "image/png", idempotencyKey: "asset-1");

        Assert.StartsWith("asset", asset.AssetId, StringComparison.Ordinal);
        Assert.Equal(12, asset.SizeBytes);
    }

    [Fact]
    public async Task Videos_CreateAvatarVideo_CompletesWhenTimeMovesAndListsAndDeletes()
    {
        var created = await _client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = Look, VoiceId = Voice, Script = "Hello from the client tests.", Title = "e2e" }, "video-1");

        var pending = await _client.Videos.GetAsync(created.VideoId);
        Assert.False(pending.Status.IsTerminal);
        _time.Advance(TimeSpan.FromMinutes(2));
        var done = await _client.Videos.GetAsync(created.VideoId);
        Assert.Equal(VideoStatus.Completed, done.Status);
        Assert.NotNull(done.VideoUrl);
        Assert.Contains(await ToListAsync(_client.Videos.ListAsync(new VideoListOptions { Limit = 1 })), v => v.Id == created.VideoId);
        await _client.Videos.DeleteAsync(created.VideoId);
    }

    [Fact]
    public async Task Videos_CreateWithTheSameIdempotencyKey_ReturnsTheSameVideo()
    {
        var request = new AvatarVideoRequest { AvatarId = Look, VoiceId = Voice, Script = "Once only." };

        var first = await _client.Videos.CreateAsync(request, "same-key");
        var second = await _client.Videos.CreateAsync(request, "same-key");

        Assert.Equal(first.VideoId, second.VideoId);
    }

    [Fact]
    public async Task Videos_CreateImageVideoFromAnAsset_IsAccepted()
    {
        var image = await UploadPngAsync();

        var created = await _client.Videos.CreateAsync(new ImageVideoRequest { Image = AssetInput.FromAssetId(image), VoiceId = Voice, Script = "An image that talks." });

        Assert.False(string.IsNullOrEmpty(created.VideoId));
    }

    [Fact]
    public async Task Videos_CreateFailingVideo_ReportsFailureCode()
    {
        var created = await _client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = Look, VoiceId = Voice, Script = "[[emulator:fail:download_failed]] bad" });
        _time.Advance(TimeSpan.FromMinutes(2));

        var video = await _client.Videos.GetAsync(created.VideoId);

        Assert.Equal(VideoStatus.Failed, video.Status);
        Assert.Equal("download_failed", video.FailureCode);
    }

    [Fact]
    public async Task Videos_UnknownAvatar_ThrowsAvatarNotFound()
    {
        var ex = await Assert.ThrowsAsync<HeyGenException>(() => _client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = "nobody", VoiceId = Voice, Script = "hi" }));

        Assert.Equal(404, ex.Status);
        Assert.Equal(HeyGenErrorCode.AvatarNotFound, ex.ErrorCode);
    }

    [Fact]
    public async Task Videos_Get502Once_IsRetriedTransparently()
    {
        var created = await _client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = Look, VoiceId = Voice, Script = "Retry me." });
        _emulator.Faults.Add(new FaultRule { Kind = FaultKind.ServerError, StatusCode = 502, Count = 1, PathPrefix = "/v3/videos/", Method = "GET" });

        var call = _client.Videos.GetAsync(created.VideoId);
        await VirtualTime.DriveAsync(call, _time);

        Assert.Equal(created.VideoId, (await call).Id);
    }

    [Fact]
    public async Task VideoAgents_SessionLifecycle_Works()
    {
        var session = await _client.VideoAgents.CreateAsync(new CreateVideoAgentRequest { Prompt = "A 20 second product teaser.", Mode = "chat" }, "agent-1");

        var detail = await _client.VideoAgents.GetSessionAsync(session.SessionId);
        Assert.Equal(session.SessionId, detail.SessionId);
        Assert.Contains(await ToListAsync(_client.VideoAgents.ListSessionsAsync()), s => s.SessionId == session.SessionId);
        var reply = await _client.VideoAgents.SendMessageAsync(session.SessionId, new SendVideoAgentMessageRequest { Message = "Make it shorter." });
        Assert.Equal(session.SessionId, reply.SessionId);
        var stopped = await _client.VideoAgents.StopAsync(session.SessionId);
        Assert.Equal(session.SessionId, stopped.SessionId);
        Assert.NotEmpty(await ToListAsync(_client.VideoAgents.ListStylesAsync()));
    }

    [Fact]
    public async Task VideoTranslations_Lifecycle_Works()
    {
        var languages = await _client.VideoTranslations.GetLanguagesAsync();
        Assert.Contains("Spanish", languages.Languages);
        var video = await UploadMp4Async();

        var created = await _client.VideoTranslations.CreateAsync(new CreateVideoTranslationRequest { Video = AssetInput.FromAssetId(video), OutputLanguages = ["Spanish"], Title = "t1" }, "tr-1");
        var id = Assert.Single(created.VideoTranslationIds);

        Assert.Equal(id, (await _client.VideoTranslations.GetAsync(id)).Id);
        Assert.Equal("renamed", (await _client.VideoTranslations.UpdateAsync(id, "renamed")).Title);
        Assert.Contains(await ToListAsync(_client.VideoTranslations.ListAsync()), t => t.Id == id);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(JobStatus.Completed, (await _client.VideoTranslations.GetAsync(id)).Status);
        Assert.False(string.IsNullOrEmpty((await _client.VideoTranslations.GetCaptionAsync(id, "srt")).CaptionUrl));
        await _client.VideoTranslations.DeleteAsync(id);
    }

    [Fact]
    public async Task Lipsyncs_Lifecycle_Works()
    {
        var video = await UploadMp4Async();
        var audio = await UploadMultipartAsync("voice.mp3", "audio/mpeg", [0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]);

        var created = await _client.Lipsyncs.CreateAsync(new CreateLipsyncRequest { Video = AssetInput.FromAssetId(video), Audio = AssetInput.FromAssetId(audio), Title = "ls" }, "ls-1");

        Assert.Equal(created.LipsyncId, (await _client.Lipsyncs.GetAsync(created.LipsyncId)).Id);
        Assert.Equal("renamed", (await _client.Lipsyncs.UpdateAsync(created.LipsyncId, "renamed")).Title);
        Assert.Contains(await ToListAsync(_client.Lipsyncs.ListAsync()), l => l.Id == created.LipsyncId);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(JobStatus.Completed, (await _client.Lipsyncs.GetAsync(created.LipsyncId)).Status);
        await _client.Lipsyncs.DeleteAsync(created.LipsyncId);
    }

    [Fact]
    public async Task Webhooks_SignedDeliveryFromTheEmulator_VerifiesAndParses()
    {
        await using var receiver = await LoopbackServer.StartAsync();
        receiver.Handler = (ctx, _) => LoopbackServer.Json(ctx, 200, "{}");
        Assert.Contains(await _client.Webhooks.GetEventTypesAsync(), t => t.EventType == WebhookEventType.AvatarVideoSuccess);
        var endpoint = await _client.Webhooks.CreateEndpointAsync(new CreateWebhookEndpointRequest { Url = new Uri(receiver.BaseAddress, "/hooks").AbsoluteUri, Events = [WebhookEventType.AvatarVideoSuccess] });
        Assert.False(string.IsNullOrEmpty(endpoint.Secret));
        Assert.Contains(await ToListAsync(_client.Webhooks.ListEndpointsAsync()), e => e.EndpointId == endpoint.EndpointId);

        var created = await _client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = Look, VoiceId = Voice, Script = "Webhook please.", CallbackId = "render-7" });
        _time.Advance(TimeSpan.FromMinutes(2));
        await _emulator.WaitForIdleAsync();

        var delivery = Assert.Single(receiver.Where("POST", "/hooks"));
        var verifier = new WebhookVerifier(endpoint.Secret!, new WebhookVerifierOptions { TimeProvider = _time });
        var result = verifier.Verify(delivery.Body, delivery.Headers.Select(h => KeyValuePair.Create(h.Key, (IEnumerable<string>)h.Value)));
        Assert.True(result.IsValid, result.Message);
        Assert.Equal(created.VideoId, result.Event!.AvatarVideo!.VideoId);
        Assert.Equal("render-7", result.Event.CallbackId);
        Assert.Equal(delivery.Header(WebhookVerifier.EventIdHeader), result.Event.EventId);

        var events = await ToListAsync(_client.Webhooks.ListEventsAsync(new WebhookEventListOptions { EventType = WebhookEventType.AvatarVideoSuccess }));
        Assert.Contains(events, e => e.EventId == result.Event.EventId);

        var rotated = await _client.Webhooks.RotateSecretAsync(endpoint.EndpointId);
        Assert.NotEqual(endpoint.Secret, rotated.Secret);
        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, new WebhookVerifier(rotated.Secret, new WebhookVerifierOptions { TimeProvider = _time }).Verify(delivery.Body, delivery.Header(WebhookVerifier.SignatureHeader), delivery.Header(WebhookVerifier.TimestampHeader)).Failure);
        var updated = await _client.Webhooks.UpdateEndpointAsync(endpoint.EndpointId, new UpdateWebhookEndpointRequest { Events = [WebhookEventType.AvatarVideoSuccess, WebhookEventType.AvatarVideoFail] });
        Assert.Equal(2, updated.Events!.Count);
        await _client.Webhooks.DeleteEndpointAsync(endpoint.EndpointId);
        Assert.DoesNotContain(await ToListAsync(_client.Webhooks.ListEndpointsAsync()), e => e.EndpointId == endpoint.EndpointId);
    }

    [Fact]
    public async Task AvatarsAndVoices_ListAndGet_WalkEveryPage()
    {
        var groups = await ToListAsync(_client.Avatars.ListGroupsAsync(new AvatarListOptions { Limit = 1 }));
        var looks = await ToListAsync(_client.Avatars.ListLooksAsync(new AvatarLookListOptions { Limit = 1 }));
        var voices = await ToListAsync(_client.Voices.ListAsync(new VoiceListOptions { Limit = 1 }));

        Assert.True(groups.Count >= 3);
        Assert.Contains(looks, l => l.Id == Look);
        Assert.Contains(voices, v => v.VoiceId == Voice);
        Assert.Equal(looks.Count, looks.Select(l => l.Id).Distinct().Count());
        Assert.Equal(groups[0].Id, (await _client.Avatars.GetGroupAsync(groups[0].Id)).Id);
        Assert.Equal(Look, (await _client.Avatars.GetLookAsync(Look)).Id);
        var page = await _client.Voices.GetPageAsync(new VoiceListOptions { Limit = 1 });
        Assert.Single(page.Items);
        Assert.True(page.HasMore);
        Assert.NotNull(page.NextToken);
    }

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }

    private static string Sha256(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream));

    private async Task<string> UploadPngAsync() =>
        await UploadMultipartAsync("tiny.png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);

    private async Task<string> UploadMp4Async() =>
        (await _client.Assets.UploadAsync(new PatternStream(4096, PatternStream.Mp4Prefix), 4096, "source.mp4", "video/mp4")).AssetId;

    private async Task<string> UploadMultipartAsync(string name, string type, byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        return (await _client.Assets.UploadMultipartAsync(stream, name, type)).AssetId;
    }
}
