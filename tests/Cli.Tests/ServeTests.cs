using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FluentAssertions;
using HeyGenRender.TestSupport;
using Microsoft.DurableTask.Client;

namespace HeyGenRender.Cli.Tests;

/// <summary><c>serve</c>'s HTTP API and inbox watcher over real HTTP and Azurite.</summary>
public sealed class ServeTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task PostRender_SameIdempotencyKeyTwice_SameRenderThenItCompletes()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        using var http = new HttpClient { BaseAddress = test.Host.BaseAddress };

        var first = await PostAsync(http, "key-1");
        var second = await PostAsync(http, "key-1");

        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        second.StatusCode.Should().Be(HttpStatusCode.OK);
        var id = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString().Should().Be(id);
        first.Headers.Location!.ToString().Should().Be($"/api/renders/{id}");
        var done = await test.Host.Orchestrations.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        done.SerializedCustomStatus.Should().Contain("completed");
        var status = await http.GetFromJsonAsync<JsonElement>($"/api/renders/{id}");
        status.GetProperty("stage").GetString().Should().Be("completed");
        status.GetProperty("video_blob").GetString().Should().Be($"{test.Renders}/{id}/video.mp4");
        (await http.PostAsync($"/api/renders/{id}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Conflict, "a finished render cannot be cancelled");
        test.Emulator.State.Jobs.Should().HaveCount(1);
    }

    [Fact]
    public async Task PostRender_InvalidSpec_400ListsEveryField()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        using var http = new HttpClient { BaseAddress = test.Host.BaseAddress };

        using var response = await http.PostAsync("/api/renders", new StringContent("""{"version": 1, "kind": "avatar", "avatar": {}}""", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("avatar.look_id");
    }

    [Fact]
    public async Task GetRender_Unknown_404()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        using var http = new HttpClient { BaseAddress = test.Host.BaseAddress };

        (await http.GetAsync("/api/renders/r-00000000000000000000000000000000")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Webhook_Unsigned_Rejected()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        using var http = new HttpClient { BaseAddress = test.Host.BaseAddress };

        using var response = await http.PostAsync("/api/webhooks/heygen", new StringContent("""{"event_type":"avatar_video.success","event_data":{}}""", Encoding.UTF8, "application/json"));

        ((int)response.StatusCode).Should().BeInRange(400, 499);
    }

    [Fact]
    public async Task InboxWatcher_TimerFires_StartsEachNewJobBlobOnce()
    {
        var time = new ManualTimeProvider();
        await using var test = await CliTestHost.StartAsync(azurite, time);
        var inbox = test.Blobs.GetBlobContainerClient(test.Requests);
        await inbox.CreateIfNotExistsAsync();
        await test.Host.Inbox.ScanAsync(); // the start-up scan: empty inbox
        await inbox.GetBlobClient("drop/job.json").UploadAsync(BinaryData.FromString(RenderCommandTests.AvatarJob));

        var scan = test.Host.Inbox.NextScanAsync();
        time.Advance(TimeSpan.FromMilliseconds(50));
        var handled = await scan;
        var again = await test.Host.Inbox.ScanAsync();

        handled.Should().BeInRange(0, 1, "the start-up scan may have taken it first");
        again.Should().Be(0, "a job blob version is handled once");
        var instances = new List<string>();
        await foreach (var instance in test.Host.Orchestrations.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            instances.Add(instance.InstanceId);
        }

        instances.Should().ContainSingle();
    }

    [Fact]
    public async Task InboxWatcher_BadJobBlob_MovedToFailedContainerWithReport()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var inbox = test.Blobs.GetBlobContainerClient(test.Requests);
        await inbox.CreateIfNotExistsAsync();
        await inbox.GetBlobClient("broken.json").UploadAsync(BinaryData.FromString("""{"version": 1, "kind": "nonsense"}"""));

        await test.Host.Inbox.ScanAsync();

        var failed = test.Blobs.GetBlobContainerClient(test.Failed);
        (await failed.GetBlobClient("broken.json").ExistsAsync()).Value.Should().BeTrue();
        var report = (await failed.GetBlobClient("broken.error.json").DownloadContentAsync()).Value.Content.ToString();
        report.Should().Contain("kind");
        (await inbox.GetBlobClient("broken.json").ExistsAsync()).Value.Should().BeFalse();
    }

    [Fact]
    public async Task InboxWatcher_BlobThatIsNotUtf8_IsMovedAsideAndTheNextJobStillStarts()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var inbox = test.Blobs.GetBlobContainerClient(test.Requests);
        await inbox.CreateIfNotExistsAsync();
        await inbox.GetBlobClient("a-binary.json").UploadAsync(BinaryData.FromBytes(new byte[] { 0xFF, 0xFE, 0x00, 0x7B }));
        await inbox.GetBlobClient("b-good.json").UploadAsync(BinaryData.FromString(RenderCommandTests.AvatarJob));

        await test.Host.Inbox.ScanAsync();

        var failed = test.Blobs.GetBlobContainerClient(test.Failed);
        var report = (await failed.GetBlobClient("a-binary.error.json").DownloadContentAsync()).Value.Content.ToString();
        report.Should().Contain("not valid UTF-8").And.Contain("byte offset 0");
        (await inbox.GetBlobClient("a-binary.json").ExistsAsync()).Value.Should().BeFalse();
        var started = new List<string>();
        await foreach (var instance in test.Host.Orchestrations.GetAllInstancesAsync(new OrchestrationQuery()))
        {
            started.Add(instance.InstanceId);
        }

        started.Should().ContainSingle("the good job after the bad one is started");
    }

    [Fact]
    public async Task PostRender_BodyThatIsNotUtf8_400NamesTheByteOffset()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        using var http = new HttpClient { BaseAddress = test.Host.BaseAddress };

        var response = await http.PostAsync("/api/renders", new ByteArrayContent([0x7B, 0x22, 0xFF, 0x22, 0x7D]));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("not valid UTF-8: byte 0xFF at byte offset 2");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/renders") { Content = new StringContent(RenderCommandTests.AvatarJob, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", key);
        return await http.SendAsync(request);
    }
}
