using System.Text;
using System.Text.Json;
using Azure.Storage.Blobs;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Tests.Support;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Api;

public sealed class RenderApiTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private const string AvatarSpec = """
        {"version": 1, "kind": "avatar", "avatar": {"look_id": "look_1", "script": "Hello.", "background": {"image": {"blob": "bg.png", "container": "__INBOX__"}}}}
        """;

    private readonly BlobServiceClient _blobs;
    private readonly StorageOptions _storage;
    private readonly string _spec;
    private ScriptedRenderEngine _orchestrations = null!;
    private RenderApi _api = null!;

    public RenderApiTests(AzuriteFixture azurite)
    {
        _blobs = azurite.CreateServiceClient();
        _storage = new StorageOptions
        {
            RequestsContainer = AzuriteFixture.UniqueContainerName("in"),
            RendersContainer = AzuriteFixture.UniqueContainerName("out"),
        };
        _spec = AvatarSpec.Replace("__INBOX__", _storage.RequestsContainer, StringComparison.Ordinal);
    }

    public async Task InitializeAsync()
    {
        _orchestrations = await ScriptedRenderEngine.StartAsync();
        var jobs = new RenderJobStore(_blobs, Options.Create(_storage));
        var starter = new RenderStarter(_orchestrations.Client, jobs, new JobAssetChecker(_blobs), new StorageTrustPolicy(Options.Create(_storage)), new OutputFolderClaims(_blobs, Options.Create(_storage)), new RenderPlanner(Options.Create(new RenderWorkflowOptions())), NullLogger<RenderStarter>.Instance);
        _api = new RenderApi(starter, _orchestrations.Client);
    }

    public async Task DisposeAsync() => await _orchestrations.DisposeAsync();

    [Fact]
    public async Task StartAsync_ValidSpec_Returns202WithStatusUrlAndSchedulesReferencesOnly()
    {
        await UploadAssetAsync("bg.png");

        var response = await _api.StartAsync(Body(_spec), idempotencyKey: null);

        Assert.Equal(202, response.StatusCode);
        var body = Json(response);
        var id = body.GetProperty("id").GetString()!;
        Assert.Equal($"/api/renders/{id}", body.GetProperty("status_url").GetString());
        Assert.Equal($"/api/renders/{id}", response.Headers["Location"]);
        var instance = await _orchestrations.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal(RenderStarter.OrchestratorName, instance!.Name);

        var input = JsonSerializer.Deserialize<RenderRequest>(instance.SerializedInput!, OrchestrationJson.Options)!;
        Assert.Equal(new BlobLocation(_storage.RendersContainer, $"{id}/job.json"), input.JobBlob);
        Assert.Equal(new OutputLocation(_storage.RendersContainer, id), input.Output);
        Assert.Equal(RenderKind.Avatar, input.Kind);
        Assert.DoesNotContain("Hello.", instance.SerializedInput!, StringComparison.Ordinal);

        var stored = await new RenderJobStore(_blobs, Options.Create(_storage)).ReadAsync(input.JobBlob);
        Assert.Equal("Hello.", ((AvatarVideoJob)stored.Job).Script);
    }

    // Revision 4: the starter plans the render from what it already checked (the spec, the assets' sizes), so the
    // workflow needs no PrepareRender activity; the plan must be the one PrepareRender would have made.
    [Fact]
    public async Task StartAsync_Lipsync_PutsThePlanFromTheAssetSizesInTheInput()
    {
        var container = _blobs.GetBlobContainerClient(_storage.RequestsContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("talk.mp4").UploadAsync(BinaryData.FromBytes(new byte[1_000]), overwrite: true);
        await container.GetBlobClient("voice.mp3").UploadAsync(BinaryData.FromBytes(new byte[160_000]), overwrite: true); // 10 s at 128 kbit/s
        var spec = $$"""
            {"version": 1, "kind": "lipsync", "wait": {"mode": "auto"},
             "lipsync": {"video": {"blob": "talk.mp4", "container": "{{_storage.RequestsContainer}}"}, "audio": {"blob": "voice.mp3", "container": "{{_storage.RequestsContainer}}" } } }
            """;

        var response = await _api.StartAsync(Body(spec), idempotencyKey: null);

        Assert.Equal(202, response.StatusCode);
        var instance = await _orchestrations.Client.GetInstanceAsync(Json(response).GetProperty("id").GetString()!, getInputsAndOutputs: true);
        var input = JsonSerializer.Deserialize<RenderRequest>(instance!.SerializedInput!, OrchestrationJson.Options)!;
        Assert.Equal(RenderRequest.CurrentWorkflowRevision, input.WorkflowRevision);
        var plan = Assert.IsType<RenderPlan>(input.Plan);
        Assert.Equal(RenderKind.Lipsync, plan.Kind);
        Assert.Equal(WaitMode.Poll, plan.WaitMode); // HeyGen sends no lipsync webhook, whatever the spec asks
        Assert.Equal(["lipsync.video", "lipsync.audio"], plan.Assets.Select(a => a.Path));
        Assert.Equal(TimeSpan.FromSeconds(10 * new RenderWorkflowOptions().RenderTimePerVideoSecond), plan.ExpectedRenderTime);
        Assert.Equal(1, plan.HeyGenJobs);

        // The status API reads the same input with its own serializer.
        Assert.Equal(plan.ExpectedRenderTime, RenderApi.ReadInput(instance.SerializedInput)!.Plan!.ExpectedRenderTime);
    }

    [Fact]
    public async Task StartAsync_SameIdempotencyKeyTwice_ReturnsSameRenderAndStartsOnce()
    {
        await UploadAssetAsync("bg.png");

        var first = await _api.StartAsync(Body(_spec), "order-42");
        var second = await _api.StartAsync(Body(_spec), "order-42");

        Assert.Equal(202, first.StatusCode);
        Assert.Equal(200, second.StatusCode);
        Assert.Equal(Json(first).GetProperty("id").GetString(), Json(second).GetProperty("id").GetString());
        Assert.Equal(RenderIds.FromIdempotencyKey("order-42"), Json(first).GetProperty("id").GetString());
        Assert.Single(await _orchestrations.InstancesAsync());
    }

    [Fact]
    public async Task StartAsync_SameIdempotencyKeyDifferentSpec_Returns409()
    {
        await UploadAssetAsync("bg.png");
        await _api.StartAsync(Body(_spec), "order-43");

        var response = await _api.StartAsync(Body(_spec.Replace("Hello.", "Goodbye.", StringComparison.Ordinal)), "order-43");

        Assert.Equal(409, response.StatusCode);
        Assert.Equal("idempotency_key_reused", Json(response).GetProperty("error").GetProperty("code").GetString());
        Assert.Single(await _orchestrations.InstancesAsync());
    }

    [Fact]
    public async Task StartAsync_InvalidSpec_Returns400ListingEveryProblem()
    {
        var response = await _api.StartAsync(Body("""{"version": 1, "kind": "avatar", "avatar": {"voice": "x"}}"""), null);

        Assert.Equal(400, response.StatusCode);
        var error = Json(response).GetProperty("error");
        Assert.Equal("invalid_job_spec", error.GetProperty("code").GetString());
        Assert.Equal(
            [("avatar.voice", "unknown field (did you mean 'voice_id'?)"), ("avatar.look_id", "required"), ("avatar.script", "required (or give an audio asset)")],
            error.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("field").GetString(), e.GetProperty("message").GetString())));
        Assert.Empty(await _orchestrations.InstancesAsync());
    }

    [Fact]
    public async Task StartAsync_MissingAssetBlob_Returns400NamingTheField()
    {
        var response = await _api.StartAsync(Body(_spec), null);

        Assert.Equal(400, response.StatusCode);
        var error = Assert.Single(Json(response).GetProperty("error").GetProperty("errors").EnumerateArray());
        Assert.Equal("avatar.background.image.blob", error.GetProperty("field").GetString());
        Assert.Equal($"not found ({_storage.RequestsContainer}/bg.png)", error.GetProperty("message").GetString());
        Assert.Empty(await _orchestrations.InstancesAsync());
    }

    [Fact]
    public async Task StartAsync_BodyOverLimit_Returns413()
    {
        var response = await _api.StartAsync(new MemoryStream(new byte[RenderJobSpecParser.MaxSpecBytes + 1]), null);

        Assert.Equal(413, response.StatusCode);
    }

    [Fact]
    public async Task StartAsync_BadIdempotencyKey_Returns400()
    {
        var response = await _api.StartAsync(Body(_spec), "bad\nkey");

        Assert.Equal(400, response.StatusCode);
        Assert.Equal("invalid_idempotency_key", Json(response).GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task GetStatusAsync_UnknownId_Returns404()
    {
        Assert.Equal(404, (await _api.GetStatusAsync("r-0123")).StatusCode);
        Assert.Equal(404, (await _api.GetStatusAsync("../etc")).StatusCode);
    }

    [Fact]
    public async Task GetStatusAsync_RunningRender_ShowsStageProgressAndCustomStatus()
    {
        await UploadAssetAsync("bg.png");
        var id = Json(await _api.StartAsync(Body(_spec), null)).GetProperty("id").GetString()!;
        await _orchestrations.SetAsync(id, OrchestrationRuntimeStatus.Running, """{"stage": "waiting", "progress": 40, "heygen_id": "vid_1"}""");

        var response = await _api.GetStatusAsync(id);

        Assert.Equal(200, response.StatusCode);
        var body = Json(response);
        Assert.Equal("running", body.GetProperty("status").GetString());
        Assert.Equal("waiting", body.GetProperty("stage").GetString());
        Assert.Equal(40, body.GetProperty("progress").GetInt32());
        Assert.Equal("vid_1", body.GetProperty("custom_status").GetProperty("heygen_id").GetString());
        Assert.Equal("avatar", body.GetProperty("kind").GetString());
        Assert.False(body.TryGetProperty("result_blob", out _));
    }

    [Fact]
    public async Task GetStatusAsync_CompletedAndFailed_NameResultOrErrorBlob()
    {
        await UploadAssetAsync("bg.png");
        var ok = Json(await _api.StartAsync(Body(_spec), "k-ok")).GetProperty("id").GetString()!;
        var bad = Json(await _api.StartAsync(Body(_spec), "k-bad")).GetProperty("id").GetString()!;
        await _orchestrations.SetAsync(ok, OrchestrationRuntimeStatus.Completed);
        await _orchestrations.SetAsync(bad, OrchestrationRuntimeStatus.Failed, failure: "HeyGen said no");

        var okBody = Json(await _api.GetStatusAsync(ok));
        var badBody = Json(await _api.GetStatusAsync(bad));

        var renders = _storage.RendersContainer;
        Assert.Equal($"{renders}/{ok}/result.json", okBody.GetProperty("result_blob").GetString());
        Assert.Equal($"{renders}/{ok}/video.mp4", okBody.GetProperty("video_blob").GetString());
        Assert.Equal($"{renders}/{bad}/error.json", badBody.GetProperty("error_blob").GetString());
        Assert.Equal("HeyGen said no", badBody.GetProperty("failure_message").GetString());
    }

    [Fact]
    public async Task GetStatusAsync_TranslationIntoSeveralLanguages_ListsEveryStoredVideo()
    {
        await UploadAssetAsync("bg.png");
        var id = Json(await _api.StartAsync(Body(_spec), "k-languages")).GetProperty("id").GetString()!;
        var written = new RenderOutcome("completed", new BlobLocation("renders", $"{id}/result.json"), "tr_1", null, null, new RenderCounters(1, 0, 2, 0, 2),
            [new BlobLocation("renders", $"{id}/spanish-spain/video.mp4"), new BlobLocation("renders", $"{id}/french-france/video.mp4")]);
        await _orchestrations.SetAsync(id, OrchestrationRuntimeStatus.Completed, output: JsonSerializer.Serialize(written, OrchestrationJson.Options));

        var body = Json(await _api.GetStatusAsync(id));

        Assert.Equal("completed", body.GetProperty("status").GetString());
        Assert.Equal([$"renders/{id}/spanish-spain/video.mp4", $"renders/{id}/french-france/video.mp4"], body.GetProperty("video_blobs").EnumerateArray().Select(v => v.GetString()));
        Assert.False(body.TryGetProperty("video_blob", out _));
    }

    [Theory]
    [InlineData("failed", "wait", "MODERATION_REJECTED", "failed")]
    [InlineData("cancelled", "upload", "cancelled", "cancelled")]
    public async Task GetStatusAsync_RenderEndedWithoutVideo_ReportsItsOutcomeNotTheRuntimeStatus(string outcome, string stage, string code, string expectedStatus)
    {
        await UploadAssetAsync("bg.png");
        var id = Json(await _api.StartAsync(Body(_spec), "k-" + outcome)).GetProperty("id").GetString()!;
        var written = new RenderOutcome(outcome, new BlobLocation("renders", $"{id}/error.json"), "vid_1", stage, code, new RenderCounters(1, 0, 0, 0, 0));
        await _orchestrations.SetAsync(id, OrchestrationRuntimeStatus.Completed, output: JsonSerializer.Serialize(written, OrchestrationJson.Options));

        var body = Json(await _api.GetStatusAsync(id));

        Assert.Equal(expectedStatus, body.GetProperty("status").GetString());
        Assert.Equal($"renders/{id}/error.json", body.GetProperty("error_blob").GetString());
        Assert.Equal(stage, body.GetProperty("failure").GetProperty("stage").GetString());
        Assert.Equal(code, body.GetProperty("failure").GetProperty("code").GetString());
        Assert.False(body.TryGetProperty("video_blob", out _));
    }

    [Fact]
    public async Task CancelAsync_RunningRender_RaisesCancelAndReturns202()
    {
        await _orchestrations.SetAsync("r-run", OrchestrationRuntimeStatus.Running);

        var response = await _api.CancelAsync("r-run");

        Assert.Equal(202, response.StatusCode);
        var raised = Assert.Single(await _orchestrations.ReceivedAsync("r-run"));
        Assert.Equal(RenderEvents.Cancel, raised.EventName);
    }

    [Theory]
    [InlineData(OrchestrationRuntimeStatus.Completed)]
    [InlineData(OrchestrationRuntimeStatus.Failed)]
    [InlineData(OrchestrationRuntimeStatus.Terminated)]
    public async Task CancelAsync_FinishedRender_Returns409(OrchestrationRuntimeStatus status)
    {
        await _orchestrations.SetAsync("r-done", status);

        var response = await _api.CancelAsync("r-done");

        Assert.Equal(409, response.StatusCode);
        Assert.Empty(await _orchestrations.AllReceivedAsync());
        Assert.Contains("already finished", response.Body!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CancelAsync_UnknownRender_Returns404()
    {
        Assert.Equal(404, (await _api.CancelAsync("r-nope")).StatusCode);
    }

    private static MemoryStream Body(string json) => new(Encoding.UTF8.GetBytes(json));

    private static JsonElement Json(ApiResponse response) => JsonDocument.Parse(response.Body!).RootElement;

    private async Task UploadAssetAsync(string name)
    {
        var container = _blobs.GetBlobContainerClient(_storage.RequestsContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient(name).UploadAsync(BinaryData.FromBytes([1, 2, 3]), overwrite: true);
    }
}
