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
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Api;

public sealed class InboxHandlerTests : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private readonly BlobServiceClient _blobs;
    private readonly StorageOptions _storage;
    private ScriptedRenderEngine _orchestrations = null!;
    private InboxHandler _inbox = null!;
    private readonly BlobContainerClient _requests;
    private readonly BlobContainerClient _failed;

    public InboxHandlerTests(AzuriteFixture azurite)
    {
        _blobs = azurite.CreateServiceClient();
        _storage = new StorageOptions
        {
            RequestsContainer = AzuriteFixture.UniqueContainerName("in"),
            RendersContainer = AzuriteFixture.UniqueContainerName("out"),
            FailedRequestsContainer = AzuriteFixture.UniqueContainerName("failed"),
        };
        _requests = _blobs.GetBlobContainerClient(_storage.RequestsContainer);
        _requests.CreateIfNotExists();
        _failed = _blobs.GetBlobContainerClient(_storage.FailedRequestsContainer);
    }

    public async Task InitializeAsync()
    {
        _orchestrations = await ScriptedRenderEngine.StartAsync();
        var options = Options.Create(_storage);
        var starter = new RenderStarter(_orchestrations.Client, new RenderJobStore(_blobs, options), new JobAssetChecker(_blobs), new StorageTrustPolicy(Options.Create(_storage)), new OutputFolderClaims(_blobs, Options.Create(_storage)), new RenderPlanner(Options.Create(new RenderWorkflowOptions())), NullLogger<RenderStarter>.Instance);
        _inbox = new InboxHandler(_blobs, starter, options, new ManualTimeProvider(), NullLogger<InboxHandler>.Instance);
    }

    public async Task DisposeAsync() => await _orchestrations.DisposeAsync();

    private string LipsyncSpec =>
        """{"version": 1, "kind": "lipsync", "lipsync": {"video": {"blob": "batch/v.mp4", "container": "IN"}, "audio": {"blob": "batch/a.mp3", "container": "IN"}}}"""
            .Replace("IN", _storage.RequestsContainer, StringComparison.Ordinal);

    [Fact]
    public async Task HandleAsync_ValidJobWithAssetsBeside_StartsRenderAndKeepsBlob()
    {
        await UploadAsync("batch/v.mp4", "video");
        await UploadAsync("batch/a.mp3", "audio");
        var etag = await UploadAsync("batch/job.json", LipsyncSpec);

        var outcome = await _inbox.HandleAsync("batch/job.json");

        Assert.Equal(InboxStatus.Started, outcome.Status);
        Assert.Equal(RenderIds.FromInboxBlob(_storage.RequestsContainer, "batch/job.json", etag), outcome.RenderId);
        Assert.Equal(outcome.RenderId, Assert.Single(await _orchestrations.InstancesAsync()));
        var input = JsonSerializer.Deserialize<RenderRequest>((await _orchestrations.Client.GetInstanceAsync(outcome.RenderId!, getInputsAndOutputs: true))!.SerializedInput!, OrchestrationJson.Options)!;
        Assert.Equal($"inbox:{_storage.RequestsContainer}/batch/job.json", input.Source);
        Assert.True(await _requests.GetBlobClient("batch/job.json").ExistsAsync());
    }

    [Fact]
    public async Task HandleAsync_Retriggered_DoesNotStartTwice()
    {
        await UploadAsync("batch/v.mp4", "video");
        await UploadAsync("batch/a.mp3", "audio");
        await UploadAsync("again.json", LipsyncSpec);

        var first = await _inbox.HandleAsync("again.json");
        var second = await _inbox.HandleAsync("again.json");

        Assert.Equal(InboxStatus.Started, first.Status);
        Assert.Equal(InboxStatus.AlreadyStarted, second.Status);
        Assert.Equal(first.RenderId, second.RenderId);
        Assert.Single(await _orchestrations.InstancesAsync());
    }

    [Fact]
    public async Task HandleAsync_ReuploadedJob_IsANewRender()
    {
        await UploadAsync("batch/v.mp4", "video");
        await UploadAsync("batch/a.mp3", "audio");
        await UploadAsync("redo.json", LipsyncSpec);
        var first = await _inbox.HandleAsync("redo.json");
        await UploadAsync("redo.json", LipsyncSpec);

        var second = await _inbox.HandleAsync("redo.json");

        Assert.Equal(InboxStatus.Started, second.Status);
        Assert.NotEqual(first.RenderId, second.RenderId);
    }

    [Fact]
    public async Task HandleAsync_InvalidJob_MovesItAsideWithEveryProblem()
    {
        const string Bad = """{"version": 1, "kind": "lipsync", "lipsync": {"video": {"blob": "missing.mp4"}, "audio": {"url": "ftp://x"}}, "extra": true}""";
        await UploadAsync("bad/job.json", Bad);

        var outcome = await _inbox.HandleAsync("bad/job.json");

        Assert.Equal(InboxStatus.Rejected, outcome.Status);
        Assert.Empty(await _orchestrations.InstancesAsync());
        Assert.False(await _requests.GetBlobClient("bad/job.json").ExistsAsync());
        Assert.Equal(Bad, (await _failed.GetBlobClient("bad/job.json").DownloadContentAsync()).Value.Content.ToString());

        var report = JsonDocument.Parse((await _failed.GetBlobClient("bad/job.error.json").DownloadContentAsync()).Value.Content.ToString()).RootElement;
        Assert.Equal($"{_storage.RequestsContainer}/bad/job.json", report.GetProperty("blob").GetString());
        Assert.Equal("2026-01-01T00:00:00+00:00", report.GetProperty("rejected_at").GetString());
        Assert.Equal(
            ["extra: unknown field", "lipsync.audio.url: must be an absolute https URL (got 'ftp://x')"],
            report.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("field").GetString()}: {e.GetProperty("message").GetString()}"));
    }

    [Fact]
    public async Task HandleAsync_MissingAsset_MovesItAsideNamingTheBlob()
    {
        await UploadAsync("lonely.json", LipsyncSpec);

        var outcome = await _inbox.HandleAsync("lonely.json");

        Assert.Equal(InboxStatus.Rejected, outcome.Status);
        Assert.Equal(
            [$"lipsync.video.blob: not found ({_storage.RequestsContainer}/batch/v.mp4)", $"lipsync.audio.blob: not found ({_storage.RequestsContainer}/batch/a.mp3)"],
            outcome.Errors.Select(e => e.ToString()));
        Assert.True(await _failed.GetBlobClient("lonely.error.json").ExistsAsync());
    }

    [Fact]
    public async Task HandleAsync_MalformedJsonTwiceUnderSameName_KeepsBothCopies()
    {
        await UploadAsync("twice.json", "{ nope");
        await _inbox.HandleAsync("twice.json");
        await UploadAsync("twice.json", "{ nope again");

        var outcome = await _inbox.HandleAsync("twice.json");

        Assert.Equal(InboxStatus.Rejected, outcome.Status);
        Assert.StartsWith("$: malformed JSON at line 1, position 3", outcome.Errors.Single().ToString(), StringComparison.Ordinal);
        Assert.Equal("{ nope", (await _failed.GetBlobClient("twice.json").DownloadContentAsync()).Value.Content.ToString());
        var second = outcome.MovedTo![(_storage.FailedRequestsContainer.Length + 1)..];
        Assert.NotEqual("twice.json", second);
        Assert.Equal("{ nope again", (await _failed.GetBlobClient(second).DownloadContentAsync()).Value.Content.ToString());
        Assert.True(await _failed.GetBlobClient(InboxHandler.ErrorReportName(second)).ExistsAsync());
    }

    [Theory]
    [InlineData("assets/photo.png")]
    [InlineData("notes.txt")]
    [InlineData("gone.json")]
    public async Task HandleAsync_NotAJobOrGone_IsIgnored(string name)
    {
        if (!name.EndsWith(".json", StringComparison.Ordinal))
        {
            await UploadAsync(name, "not json");
        }

        var outcome = await _inbox.HandleAsync(name);

        Assert.Equal(InboxStatus.Ignored, outcome.Status);
        Assert.Empty(await _orchestrations.InstancesAsync());
        Assert.False(await _failed.ExistsAsync() && await _failed.GetBlobClient(name).ExistsAsync());
    }

    private async Task<Azure.ETag> UploadAsync(string name, string content)
    {
        var response = await _requests.GetBlobClient(name).UploadAsync(BinaryData.FromString(content), overwrite: true);
        return response.Value.ETag;
    }
}
