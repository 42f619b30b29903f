using System.Security.Cryptography;
using System.Text.Json;
using Azure.Storage.Blobs.Models;
using HeyGen.Emulator;
using HeyGenRender.LocalDurableTask;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Webhooks;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;
using Microsoft.DurableTask.Client;
using Xunit.Abstractions;

namespace HeyGenRender.Pipeline.Tests.Scenarios;

[CollectionDefinition(Name)]
public sealed class RenderScenarioCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "render scenarios";
}

/// <summary>
/// End-to-end renders over real HTTP against the emulator, real blob storage (Azurite) and the real Durable Task
/// engine, on real time with the workflow's intervals scaled from minutes to seconds.
/// </summary>
[Collection(RenderScenarioCollection.Name)]
public sealed class RenderScenarioTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    private static string AvatarSpec(string mode = "auto", int timeoutMinutes = 120, string script = "Hello! Here is our quarterly update.") => $$"""
        {
          "version": 1,
          "kind": "avatar",
          "title": "Quarterly update",
          "avatar": {
            "look_id": "look_emulator_anna_office",
            "voice_id": "voice_emulator_en_female",
            "script": "{{script}}",
            "captions": "sidecar"
          },
          "wait": { "mode": "{{mode}}", "timeout_minutes": {{timeoutMinutes}} }
        }
        """;

    private async Task<OrchestrationMetadata> Finish(RenderHarness h, string id)
    {
        var state = await h.RunUntilFinishedAsync(id);
        output.WriteLine($"{id}: {state.RuntimeStatus} {state.SerializedOutput} {state.FailureDetails?.ErrorMessage} {await h.ReadBlobAsync($"{id}/error.json")}");
        return state;
    }

    // Random bytes behind a file signature: HeyGen (and the emulator) sniff the type of uploaded content.
    private static byte[] Media(int length, byte[] signature)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        signature.CopyTo(bytes, 0);
        return bytes;
    }

    private static JsonElement Json(string? text) => JsonDocument.Parse(text ?? throw new Xunit.Sdk.XunitException("document missing")).RootElement;

    [Fact]
    public async Task Render_WebhookPath_StoresVerifiedOutputsAndResultWithFewCalls()
    {
        await using var h = await RenderHarness.StartAsync(azurite);
        var id = await h.StartRenderAsync(AvatarSpec("auto"));

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.Equal("webhook", result.GetProperty("detected_by").GetString());
        var video = h.Blobs.GetBlobContainerClient(h.Storage.RendersContainer).GetBlobClient($"{id}/video.mp4");
        var bytes = (await video.DownloadContentAsync()).Value.Content.ToArray();
        var videoFile = result.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("role").GetString() == "video");
        Assert.Equal(bytes.LongLength, videoFile.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), videoFile.GetProperty("sha256").GetString());
        Assert.NotNull(await h.ReadBlobAsync($"{id}/thumbnail.jpg"));
        Assert.NotNull(await h.ReadBlobAsync($"{id}/captions.srt"));
        Assert.Contains("\"completed\"", state.SerializedCustomStatus, StringComparison.Ordinal);

        AssertCreditsMatchTheEmulatorsCharge(h, result, "avatar_iv", 0.1m);

        output.WriteLine($"FIGURE webhook path: {h.Calls.Total} HeyGen API calls per video (render 1.5 s emulator time): {h.Calls.Describe()}");
        Assert.True(h.Calls.Total <= 4, h.Calls.Describe());
        // History carries references, never a presigned URL's signature.
        var stored = (await h.Host.GetInstanceAsync(id, getInputsAndOutputs: true))!;
        Assert.DoesNotContain("sig=", stored.SerializedInput + stored.SerializedOutput + stored.SerializedCustomStatus, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_OutputContainerMissingOrDeletedMeanwhile_IsMadeByTheFirstFileStored()
    {
        var outputs = AzuriteFixture.UniqueContainerName("outputs");
        await using var h = await RenderHarness.StartAsync(azurite, extraOutputContainer: outputs);
        var container = h.Blobs.GetBlobContainerClient(outputs);
        Assert.False(await container.ExistsAsync());

        var first = await h.StartRenderAsync(AvatarSpec("auto"), outputContainer: outputs);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await Finish(h, first)).RuntimeStatus);
        Assert.True(await container.GetBlobClient($"{first}/video.mp4").ExistsAsync());

        // An operator deletes the container while the service runs: the next render's first file makes it again.
        await container.DeleteAsync();
        var second = await h.StartRenderAsync(AvatarSpec("auto"), outputContainer: outputs);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await Finish(h, second)).RuntimeStatus);
        var result = Json((await container.GetBlobClient($"{second}/result.json").DownloadContentAsync()).Value.Content.ToString());
        Assert.Equal("completed", result.GetProperty("status").GetString());
        Assert.True(await container.GetBlobClient($"{second}/video.mp4").ExistsAsync());
    }

    [Theory]
    [InlineData(DurableBackend.InMemory, 100)]
    [InlineData(DurableBackend.AzureStorage, 1000)] // serve's shipped polling interval, on Azurite
    public async Task Render_WebhookPath_OnEachBackend_IsDetectedByTheWebhook(DurableBackend backend, int maxPollingMilliseconds)
    {
        await using var h = await RenderHarness.StartAsync(azurite, backend: backend,
            engine: e => e.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(maxPollingMilliseconds));
        var latencies = new List<double>();
        for (var i = 0; i < 3; i++)
        {
            var id = await h.StartRenderAsync(AvatarSpec("auto", script: $"Latency render {i}."));
            var state = await Finish(h, id);

            Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
            var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
            Assert.Equal("webhook", result.GetProperty("detected_by").GetString());
            var delivered = h.Emulator.State.Deliveries.Where(d => d.Succeeded && d.EventType.EndsWith(".success", StringComparison.Ordinal)).Max(d => d.At);
            var confirmed = result.GetProperty("timings").GetProperty("heygen_finished").GetDateTimeOffset();
            latencies.Add((confirmed - delivered).TotalSeconds);
        }

        // From HeyGen's delivery to the orchestration past its confirming GET: intake, event, wake-up, one activity.
        // Printed as a figure, not asserted: timings belong in benchmarks. The confirmation follows the delivery.
        output.WriteLine(FormattableString.Invariant($"FIGURE webhook to orchestration ({backend}, max polling {maxPollingMilliseconds} ms): {string.Join(", ", latencies.Select(l => $"{l:0.00} s"))}"));
        Assert.All(latencies, l => Assert.True(l >= 0, "the orchestration confirmed the job after HeyGen delivered the webhook"));
    }

    [Fact]
    public async Task Render_PollingPath_DetectsCompletionWithBackoffSchedule()
    {
        await using var h = await RenderHarness.StartAsync(azurite, webhooks: false);
        var id = await h.StartRenderAsync(AvatarSpec("poll"));

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Equal("poll", result.GetProperty("detected_by").GetString());
        var polls = result.GetProperty("heygen_calls").GetProperty("polls").GetInt32();
        var finished = result.GetProperty("timings").GetProperty("heygen_finished").GetDateTime();
        var created = result.GetProperty("timings").GetProperty("created").GetDateTime();
        output.WriteLine($"FIGURE polling path: {h.Calls.Total} HeyGen API calls per video ({polls} polls; detected {(finished - created).TotalSeconds:0.0} s after create for a 1.5 s render): {h.Calls.Describe()}");
        Assert.InRange(polls, 1, 4);
        Assert.InRange((finished - created).TotalSeconds, 1.4, 6);
    }

    [Fact]
    public async Task Render_WebhookLost_PollingRecovers()
    {
        await using var h = await RenderHarness.StartAsync(azurite, e => e.Faults.Add(new FaultRule { Kind = FaultKind.WebhookDrop }));
        var id = await h.StartRenderAsync(AvatarSpec("auto"));

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Equal("poll", result.GetProperty("detected_by").GetString());
        Assert.Equal(0, result.GetProperty("heygen_calls").GetProperty("webhooks_received").GetInt32());
    }

    [Fact]
    public async Task Render_DuplicateAndReorderedWebhooks_CompletesOnce()
    {
        await using var h = await RenderHarness.StartAsync(azurite, e =>
        {
            e.Faults.Add(new FaultRule { Kind = FaultKind.WebhookDuplicate });
            e.Faults.Add(new FaultRule { Kind = FaultKind.WebhookReorder, Delay = TimeSpan.FromSeconds(1) });
        });
        var first = await h.StartRenderAsync(AvatarSpec("webhook"));
        var second = await h.StartRenderAsync(AvatarSpec("webhook", script: "A second, different script."));

        var states = await h.RunUntilFinishedAsync([first, second]);

        Assert.All(states, s => Assert.Equal(OrchestrationRuntimeStatus.Completed, s.RuntimeStatus));
        Assert.All(states, s => Assert.Contains("\"completed\"", s.SerializedOutput, StringComparison.Ordinal));
        var videos = h.Blobs.GetBlobContainerClient(h.Storage.RendersContainer).GetBlobsAsync(new GetBlobsOptions { Prefix = first });
        var names = new List<string>();
        await foreach (var b in videos)
        {
            names.Add(b.Name);
        }

        Assert.Single(names, n => n.EndsWith("video.mp4", StringComparison.Ordinal));
    }

    // Events that change nothing (here: about other videos, as a shared endpoint receives them) must not add a
    // durable timer each: every one of those later fires into the history as another episode. Revision 2 is how
    // renders started before the change replay after an upgrade, so it keeps its old sequence.
    [Theory]
    [InlineData(RenderRequest.CurrentWorkflowRevision, 1)]
    [InlineData(2, IgnoredEvents + 1)]
    public async Task Render_EventsAboutOtherVideos_AreCountedAndKeepOneSafetyNetTimer(int workflowRevision, int expectedTimers)
    {
        var hub = "ignored" + Guid.NewGuid().ToString("N")[..12];
        await using var h = await RenderHarness.StartAsync(azurite, e => e.RenderDuration = TimeSpan.FromSeconds(4),
            backend: DurableBackend.AzureStorage, engine: o => o.TaskHub = hub);
        var id = await h.StartRenderAsync(AvatarSpec("webhook"), workflowRevision: workflowRevision);
        await RenderHarness.WaitUntilAsync(async () => (await h.CustomStatusAsync(id)).Contains("rendering", StringComparison.Ordinal), "the render waits for HeyGen");

        for (var i = 0; i < IgnoredEvents; i++)
        {
            await h.Host.RaiseEventAsync(id, RenderEvents.HeyGenWebhook, new WebhookNotification
            {
                EventId = $"evt_other_{i}", EventType = "avatar_video.success", HeyGenId = $"video_other_{i}", VideoId = $"video_other_{i}", Status = "completed",
            });
        }

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Equal("webhook", result.GetProperty("detected_by").GetString());
        Assert.Equal(IgnoredEvents + 1, result.GetProperty("heygen_calls").GetProperty("webhooks_received").GetInt32());
        var history = new Azure.Data.Tables.TableClient(azurite.ConnectionString, hub + "History");
        var timers = 0;
        await foreach (var row in history.QueryAsync<Azure.Data.Tables.TableEntity>(r => r.PartitionKey == id))
        {
            timers += row.GetString("EventType") == "TimerCreated" ? 1 : 0;
        }

        Assert.Equal(expectedTimers, timers);
    }

    private const int IgnoredEvents = 12;

    // Revision 4 starts with the plan in its input: its first activity is the upload, not PrepareRender. Revision 3
    // is how renders started before the change replay after an upgrade, so it still prepares first.
    [Theory]
    [InlineData(RenderRequest.CurrentWorkflowRevision, RenderWorkflowNames.UploadAsset)]
    [InlineData(3, RenderWorkflowNames.PrepareRender)]
    public async Task Render_PlannedAtStart_SkipsThePrepareActivity(int workflowRevision, string firstActivity)
    {
        var hub = "planned" + Guid.NewGuid().ToString("N")[..12];
        await using var h = await RenderHarness.StartAsync(azurite, backend: DurableBackend.AzureStorage, engine: o => o.TaskHub = hub);
        await UploadAsync(h, "planned.jpg", Media(60_000, [0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg");
        var id = await h.StartRenderAsync($$"""
            { "version": 1, "kind": "image",
              "image": { "image": { "blob": "planned.jpg", "container": "{{h.Storage.RequestsContainer}}" },
                         "voice_id": "voice_emulator_en_female", "script": "Planned before it started." },
              "wait": { "mode": "auto" } }
            """, workflowRevision: workflowRevision);

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.NotNull(await h.ReadBlobAsync($"{id}/video.mp4"));
        var history = new Azure.Data.Tables.TableClient(azurite.ConnectionString, hub + "History");
        var scheduled = new List<string>();
        await foreach (var row in history.QueryAsync<Azure.Data.Tables.TableEntity>(r => r.PartitionKey == id))
        {
            if (row.GetString("EventType") == "TaskScheduled")
            {
                scheduled.Add(row.GetString("Name"));
            }
        }

        Assert.Equal(firstActivity, scheduled[0]);
        Assert.Equal(workflowRevision >= 4 ? 0 : 1, scheduled.Count(n => n == RenderWorkflowNames.PrepareRender));
        Assert.Equal(1, scheduled.Count(n => n == RenderWorkflowNames.UploadAsset));
    }

    [Fact]
    public async Task Render_429StormOnCreate_WaitsRetryAfterOnDurableTimerAndSucceeds()
    {
        await using var h = await RenderHarness.StartAsync(azurite, e =>
            e.Faults.Add(new FaultRule { Kind = FaultKind.RateLimit, PathPrefix = "/v3/videos", Method = "POST", Count = 3, RetryAfterSeconds = 2 }));
        var id = await h.StartRenderAsync(AvatarSpec("auto"));

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Equal(3, result.GetProperty("heygen_calls").GetProperty("throttled").GetInt32());
        var timings = result.GetProperty("timings");
        Assert.True((timings.GetProperty("created").GetDateTime() - timings.GetProperty("started").GetDateTime()).TotalSeconds >= 6, "3 x Retry-After 2 s were waited out");
    }

    [Fact]
    public async Task Render_ExpiredDownloadUrl_RefreshesByGetAndStoresVideo()
    {
        await using var h = await RenderHarness.StartAsync(azurite, e =>
            e.Faults.Add(new FaultRule { Kind = FaultKind.ExpiredDownload, Count = 1 }));
        var id = await h.StartRenderAsync(AvatarSpec("auto"));

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.NotNull(await h.ReadBlobAsync($"{id}/video.mp4"));
        Assert.True(h.Calls.Count(c => c.Method == "GET" && c.Path.StartsWith("/v3/videos/", StringComparison.Ordinal)) >= 3, h.Calls.Describe());
    }

    [Fact]
    public async Task Render_HeyGenJobFails_WritesErrorWithFailureCodeAndStage()
    {
        await using var h = await RenderHarness.StartAsync(azurite);
        var id = await h.StartRenderAsync(AvatarSpec("auto", script: "This will break [[emulator:fail:internal_error]]"));

        var state = await Finish(h, id);

        var error = Json(await h.ReadBlobAsync($"{id}/error.json"));
        Assert.Equal("wait", error.GetProperty("stage").GetString());
        Assert.Equal("internal_error", error.GetProperty("failure_code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("failure_message").GetString()));
        Assert.Null(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Contains("\"failed\"", state.SerializedOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_HeyGenSlowerThanTimeout_WritesTimeoutError()
    {
        await using var h = await RenderHarness.StartAsync(azurite, e => e.RenderDuration = TimeSpan.FromMinutes(1));
        var started = TimeProvider.System.GetUtcNow();
        var id = await h.StartRenderAsync(AvatarSpec("auto"), timeout: TimeSpan.FromSeconds(3));

        await h.RunUntilFinishedAsync(id);

        var error = Json(await h.ReadBlobAsync($"{id}/error.json"));
        Assert.Equal("wait", error.GetProperty("stage").GetString());
        Assert.Equal("timeout", error.GetProperty("failure_code").GetString());
        Assert.InRange((TimeProvider.System.GetUtcNow() - started).TotalSeconds, 3, 30);
    }

    [Fact]
    public async Task Render_CancelEventWhileWaiting_WritesCancelledError()
    {
        // The render cannot learn that the job finished until it has taken the cancel: no webhook, and its status GETs
        // are held until then (the job's 1.5 s alone was a race a busy machine could lose).
        var statusHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await RenderHarness.StartAsync(azurite, e =>
        {
            e.Faults.Add(new FaultRule { Kind = FaultKind.WebhookDrop });
            e.Faults.Add(new FaultRule { Kind = FaultKind.Latency, PathPrefix = "/v3/videos/", Method = "GET", Until = statusHeld.Task });
        });
        var id = await h.StartRenderAsync(AvatarSpec("auto"));

        await CancelInStageAsync(h, id, RenderStages.Wait, statusHeld, when: () => h.Emulator.State.Jobs.Count == 1);

        var error = Json(await h.ReadBlobAsync($"{id}/error.json"));
        Assert.Equal("cancelled", error.GetProperty("failure_code").GetString());
        Assert.Equal("wait", error.GetProperty("stage").GetString());
        Assert.Equal("cancelled", error.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Render_CancelledWhileDownloading_LeavesOnlyItsJobAndErrorJsonAndSaysHeyGenChargedTheJob()
    {
        // The file downloads are held until the render has taken the cancel, so it arrives while the download activity
        // runs (a fixed hold lost that race on a busy machine); an activity cannot be stopped, so the render waits for it
        // and deletes what it stored.
        var downloadsHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var h = await RenderHarness.StartAsync(azurite, e =>
            e.Faults.Add(new FaultRule { Kind = FaultKind.Latency, PathPrefix = "/_files/", Method = "GET", Until = downloadsHeld.Task }));
        var id = await h.StartRenderAsync(AvatarSpec("auto"));

        await CancelInStageAsync(h, id, RenderStages.Download, downloadsHeld);

        var error = Json(await h.ReadBlobAsync($"{id}/error.json"));
        Assert.Equal(("cancelled", "download"), (error.GetProperty("status").GetString(), error.GetProperty("stage").GetString()));
        Assert.Contains("HeyGen has no cancel operation", error.GetProperty("heygen_note").GetString(), StringComparison.Ordinal);
        Assert.Contains($"{id}/video.mp4", error.GetProperty("discarded").EnumerateArray().Select(f => f.GetString()!).Single(f => f.EndsWith("video.mp4", StringComparison.Ordinal)), StringComparison.Ordinal);
        var left = new List<string>();
        await foreach (var blob in h.Blobs.GetBlobContainerClient(h.Storage.RendersContainer).GetBlobsAsync(new GetBlobsOptions { Prefix = id + "/" }))
        {
            left.Add(blob.Name[(id.Length + 1)..]);
        }

        Assert.Equal(["error.json", "job.json"], left.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Render_CancelEventWhileWaitingOutRetryAfter_FinishesWithoutWaitingForTheTimer()
    {
        await using var h = await RenderHarness.StartAsync(azurite, e =>
            e.Faults.Add(new FaultRule { Kind = FaultKind.RateLimit, PathPrefix = "/v3/videos", Method = "POST", Count = 1, RetryAfterSeconds = 600 }));
        var id = await h.StartRenderAsync(AvatarSpec("auto"));
        await RenderHarness.WaitUntilAsync(async () => (await h.CustomStatusAsync(id)).Contains("busy", StringComparison.Ordinal), "the render waits out Retry-After");

        await h.Host.RaiseEventAsync(id, RenderEvents.Cancel, null);
        var cancelledAt = TimeProvider.System.GetUtcNow();

        // The Retry-After timer is cancelled with the render, so the instance completes now, not 10 minutes later.
        var state = await h.RunUntilFinishedAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.InRange((TimeProvider.System.GetUtcNow() - cancelledAt).TotalSeconds, 0, 30);
        Assert.Equal("cancelled", Json(await h.ReadBlobAsync($"{id}/error.json")).GetProperty("failure_code").GetString());
    }

    [Fact]
    public async Task Render_CancelledWhileQueuedForASlot_LeavesTheQueueAndNextRenderGetsTheSlot()
    {
        await using var h = await RenderHarness.StartAsync(azurite, workflow: w => w.ConcurrencyLimit = 1);
        var first = await h.StartRenderAsync(AvatarSpec("auto", script: "First render."), timeout: TimeSpan.FromMinutes(2));
        await RenderHarness.WaitUntilAsync(async () => (await h.CustomStatusAsync(first)).Contains("\"create\"", StringComparison.Ordinal)
            || (await h.CustomStatusAsync(first)).Contains("\"wait\"", StringComparison.Ordinal), "the first render holds the slot");
        var queued = await h.StartRenderAsync(AvatarSpec("auto", script: "Queued render."));
        await RenderHarness.WaitUntilAsync(async () => (await h.CustomStatusAsync(queued)).Contains("queued", StringComparison.Ordinal), "the second render is queued");
        await h.Host.RaiseEventAsync(queued, RenderEvents.Cancel, null);
        var third = await h.StartRenderAsync(AvatarSpec("auto", script: "Third render."));

        var states = await h.RunUntilFinishedAsync([first, queued, third]);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, states[2].RuntimeStatus);
        Assert.Null(await h.ReadBlobAsync($"{third}/error.json"));
        Assert.Equal("cancelled", Json(await h.ReadBlobAsync($"{queued}/error.json")).GetProperty("failure_code").GetString());
        var slots = await h.SlotsAsync();
        Assert.Empty(slots.Holders);
        Assert.Empty(slots.Waiters);
    }

    [Fact]
    public async Task Render_SameAssetTwice_SecondRenderReusesTheUpload()
    {
        await using var h = await RenderHarness.StartAsync(azurite);
        var requests = h.Blobs.GetBlobContainerClient(h.Storage.RequestsContainer);
        var image = Media(300_000, [0xFF, 0xD8, 0xFF, 0xE0]);
        await requests.GetBlobClient("portrait-a.jpg").UploadAsync(new BinaryData(image), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/jpeg" } });
        await requests.GetBlobClient("portrait-b.jpg").UploadAsync(new BinaryData(image), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "image/jpeg" } });
        string Spec(string blob) => $$"""
            { "version": 1, "kind": "image",
              "image": { "image": { "blob": "{{blob}}", "container": "{{h.Storage.RequestsContainer}}" },
                         "voice_id": "voice_emulator_en_female", "script": "Hi there, from a photo." },
              "wait": { "mode": "auto" } }
            """;

        var first = await h.StartRenderAsync(Spec("portrait-a.jpg"));
        await Finish(h, first);
        var second = await h.StartRenderAsync(Spec("portrait-b.jpg"));
        var state = await Finish(h, second);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var assets = Json(await h.ReadBlobAsync($"{second}/result.json")).GetProperty("assets");
        Assert.True(assets[0].GetProperty("reused").GetBoolean());
        Assert.Single(h.Emulator.State.Assets);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image)), assets[0].GetProperty("sha256").GetString());
    }

    // Revision 1 is how renders in flight before the slot hand-over changed run after an upgrade: the old sequence.
    [Theory]
    [InlineData(DurableBackend.InMemory, RenderRequest.CurrentWorkflowRevision)]
    [InlineData(DurableBackend.AzureStorage, RenderRequest.CurrentWorkflowRevision)]
    [InlineData(DurableBackend.InMemory, 1)]
    public async Task Render_BurstAboveConcurrencyLimit_KeepsJobsInFlightWithinLimitWithout429s(DurableBackend backend, int workflowRevision)
    {
        const int limit = 5;
        const int renders = 30;
        await using var h = await RenderHarness.StartAsync(azurite, e => e.MaxConcurrentJobs = limit, w => w.ConcurrencyLimit = limit, backend: backend);
        var ids = new List<string>();
        for (var i = 0; i < renders; i++)
        {
            ids.Add(await h.StartRenderAsync(AvatarSpec("auto", script: $"Burst render number {i}."), workflowRevision: workflowRevision));
        }

        var states = await h.RunUntilFinishedAsync(ids);

        Assert.All(states, s => Assert.Equal(OrchestrationRuntimeStatus.Completed, s.RuntimeStatus));
        var throttled = h.Calls.Count(c => c.Status == 429);
        var slots = await h.SlotsAsync();
        output.WriteLine($"FIGURE burst ({backend}, workflow revision {workflowRevision}): {renders} renders, limit {limit}: peak HeyGen jobs in flight {h.PeakJobsInProgress} (semaphore peak {slots.Peak}), 429 answers {throttled}, API calls {h.Calls.Total} ({(double)h.Calls.Total / renders:0.0}/video)");
        Assert.InRange(h.PeakJobsInProgress, 1, limit);
        Assert.Equal(limit, slots.Peak);
        Assert.Equal(0, throttled);
        Assert.Empty(slots.Holders);
    }

    [Fact]
    public async Task Render_BurstOfMultiLanguageTranslations_CountsEachLanguageAgainstTheLimitWithout429s()
    {
        const int limit = 4;
        const int translations = 4;
        await using var h = await RenderHarness.StartAsync(azurite, e => e.MaxConcurrentJobs = limit, w => w.ConcurrencyLimit = limit);
        await UploadAsync(h, "burst.mp4", Media(40_000, s_mp4Signature), "video/mp4");
        var ids = new List<string>();
        for (var i = 0; i < translations; i++)
        {
            ids.Add(await h.StartRenderAsync($$"""
                { "version": 1, "kind": "translation", "title": "Burst {{i}}",
                  "translation": { "video": { "blob": "burst.mp4", "container": "{{h.Storage.RequestsContainer}}" },
                                   "output_languages": ["Spanish", "French", "German"], "mode": "speed" },
                  "wait": { "mode": "auto" } }
                """));
        }

        // A single-job render after them: it fits beside one translation but must not overtake a waiting one.
        ids.Add(await h.StartRenderAsync(AvatarSpec("auto", script: "After the translations.")));

        var states = await h.RunUntilFinishedAsync(ids);

        Assert.All(states, s => Assert.Equal(OrchestrationRuntimeStatus.Completed, s.RuntimeStatus));
        var throttled = h.Calls.Count(c => c.Status == 429);
        var slots = await h.SlotsAsync();
        output.WriteLine($"FIGURE translation burst: {translations} x 3 languages + 1 avatar, limit {limit}: peak HeyGen jobs in flight {h.PeakJobsInProgress} (semaphore peak {slots.Peak}), 429 answers {throttled}, API calls {h.Calls.Total}");
        Assert.Equal(translations * 3, h.Emulator.State.Jobs.Count(j => j.Kind == "video_translation"));
        Assert.InRange(h.PeakJobsInProgress, 3, limit);
        Assert.InRange(slots.Peak, 3, limit);
        Assert.Equal(0, throttled);
        Assert.Empty(slots.Holders);
        Assert.Empty(slots.Waiters);
    }

    [Fact]
    public async Task Render_Lipsync_IsAwaitedByPollingOnly()
    {
        await using var h = await RenderHarness.StartAsync(azurite);
        var requests = h.Blobs.GetBlobContainerClient(h.Storage.RequestsContainer);
        await requests.GetBlobClient("talk.mp4").UploadAsync(new BinaryData(Media(50_000, [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'])), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "video/mp4" } });
        await requests.GetBlobClient("voice.mp3").UploadAsync(new BinaryData(Media(20_000, [(byte)'I', (byte)'D', (byte)'3', 4, 0])), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "audio/mpeg" } });
        var id = await h.StartRenderAsync($$"""
            { "version": 1, "kind": "lipsync",
              "lipsync": { "video": { "blob": "talk.mp4", "container": "{{h.Storage.RequestsContainer}}" },
                           "audio": { "blob": "voice.mp3", "container": "{{h.Storage.RequestsContainer}}" } },
              "wait": { "mode": "auto" } }
            """);

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal("poll", Json(await h.ReadBlobAsync($"{id}/result.json")).GetProperty("detected_by").GetString());
    }

    private static readonly byte[] s_mp4Signature = [0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m'];

    // Runs the render to its end, raising a cancel the first time its status shows `stage` (and `when` holds), and ends
    // `heldUntilCancelled` once the render has taken the cancel, or when the run ends, so no request stays held.
    private static async Task CancelInStageAsync(RenderHarness h, string id, string stage, TaskCompletionSource heldUntilCancelled, Func<bool>? when = null)
    {
        var cancelled = false;
        try
        {
            await h.RunUntilFinishedAsync([id], async () =>
            {
                var status = await h.CustomStatusAsync(id);
                if (!cancelled && (when?.Invoke() ?? true) && status.Contains($"\"stage\":\"{stage}\"", StringComparison.Ordinal))
                {
                    cancelled = true;
                    await h.Host.RaiseEventAsync(id, RenderEvents.Cancel, null);
                }
                else if (cancelled && status.Contains($"\"stage\":\"{RenderStages.Cancelled}\"", StringComparison.Ordinal))
                {
                    heldUntilCancelled.TrySetResult();
                }
            });
        }
        finally
        {
            heldUntilCancelled.TrySetResult();
        }
    }

    private static async Task UploadAsync(RenderHarness h, string name, byte[] bytes, string contentType) =>
        await h.Blobs.GetBlobContainerClient(h.Storage.RequestsContainer).GetBlobClient(name)
            .UploadAsync(new BinaryData(bytes), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } });

    // The estimate comes from the pipeline's rate table, the charge from the emulator's own: they must agree.
    private static void AssertCreditsMatchTheEmulatorsCharge(RenderHarness h, JsonElement result, string basis, decimal ratePerSecond)
    {
        var credits = result.GetProperty("credits");
        Assert.Equal(basis, credits.GetProperty("basis").GetString());
        Assert.Equal(ratePerSecond, credits.GetProperty("rate_per_second").GetDecimal());
        var charged = h.Emulator.State.Jobs.Sum(j => j.CreditsCharged);
        Assert.True(charged > 0, "the emulator charged the job");
        Assert.Equal(charged, credits.GetProperty("estimated").GetDecimal());
    }

    [Fact]
    public async Task Render_ImageToVideoWithVoiceSettings_SendsTheSettingsAndCompletesByWebhook()
    {
        await using var h = await RenderHarness.StartAsync(azurite);
        await UploadAsync(h, "portrait.jpg", Media(120_000, [0xFF, 0xD8, 0xFF, 0xE0]), "image/jpeg");
        var id = await h.StartRenderAsync($$"""
            { "version": 1, "kind": "image",
              "image": { "image": { "blob": "portrait.jpg", "container": "{{h.Storage.RequestsContainer}}" },
                         "voice_id": "voice_emulator_en_female", "script": "Hello from a single photo, spoken a little faster.",
                         "voice_settings": { "speed": 1.2, "pitch": -2, "volume": 0.8, "locale": "en-GB" } },
              "wait": { "mode": "auto" } }
            """);

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var create = Json(Assert.Single(h.Calls.BodiesOf("/v3/videos")));
        Assert.Equal("image", create.GetProperty("type").GetString());
        Assert.Equal("""{"speed":1.2,"pitch":-2,"volume":0.8,"locale":"en-GB"}""", create.GetProperty("voice_settings").GetRawText());
        var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Equal("webhook", result.GetProperty("detected_by").GetString());
        Assert.NotNull(await h.ReadBlobAsync($"{id}/video.mp4"));
        AssertCreditsMatchTheEmulatorsCharge(h, result, CreditRates.ImageToVideo.Basis, 0.1m);
    }

    [Fact]
    public async Task Render_VideoAgent_CompletesByWebhookAndStoresTheSessionsVideo()
    {
        await using var h = await RenderHarness.StartAsync(azurite);
        var id = await h.StartRenderAsync("""
            { "version": 1, "kind": "video_agent",
              "video_agent": { "prompt": "A 30-second upbeat explainer about our new bicycle lock.", "orientation": "portrait" },
              "wait": { "mode": "webhook" } }
            """);

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Equal("webhook", result.GetProperty("detected_by").GetString());
        Assert.Equal(1, result.GetProperty("heygen_calls").GetProperty("webhooks_received").GetInt32());
        var session = h.Emulator.State.Jobs.Single(j => j.Kind == "video_agent");
        var video = h.Emulator.State.Jobs.Single(j => j.Kind == "video");
        Assert.Equal(session.Id, result.GetProperty("heygen_id").GetString());
        Assert.Equal(video.Id, result.GetProperty("video_id").GetString());
        Assert.Equal(id, session.CallbackId);
        Assert.NotNull(await h.ReadBlobAsync($"{id}/video.mp4"));
        AssertCreditsMatchTheEmulatorsCharge(h, result, "video_agent", 0.0667m);
        output.WriteLine($"video agent: {h.Calls.Total} HeyGen API calls: {h.Calls.Describe()}");
    }

    [Fact]
    public async Task Render_TranslationIntoThreeLanguages_StoresEachLanguageInItsOwnFolderAndListsThemAll()
    {
        await using var h = await RenderHarness.StartAsync(azurite);
        await UploadAsync(h, "onboarding.mp4", Media(60_000, s_mp4Signature), "video/mp4");
        var id = await h.StartRenderAsync($$"""
            { "version": 1, "kind": "translation", "title": "Onboarding [[emulator:duration:42]]",
              "translation": { "video": { "blob": "onboarding.mp4", "container": "{{h.Storage.RequestsContainer}}" },
                               "output_languages": ["Spanish", "French", "German"], "mode": "precision", "captions": true },
              "wait": { "mode": "webhook" } }
            """);

        var state = await Finish(h, id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, state.RuntimeStatus);
        var translations = h.Emulator.State.Jobs.Where(j => j.Kind == "video_translation").ToList();
        Assert.Equal(3, translations.Count);
        var result = Json(await h.ReadBlobAsync($"{id}/result.json"));
        Assert.Equal("webhook", result.GetProperty("detected_by").GetString());
        var files = result.GetProperty("files").EnumerateArray().ToList();
        foreach (var language in new[] { "Spanish", "French", "German" })
        {
            var folder = language.ToLowerInvariant();
            var video = files.Single(f => f.GetProperty("role").GetString() == "video" && f.GetProperty("language").GetString() == language);
            Assert.Equal($"{id}/{folder}/video.mp4", video.GetProperty("blob").GetString());
            var bytes = (await h.Blobs.GetBlobContainerClient(h.Storage.RendersContainer).GetBlobClient($"{id}/{folder}/video.mp4").DownloadContentAsync()).Value.Content.ToArray();
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), video.GetProperty("sha256").GetString());
            Assert.Contains(files, f => f.GetProperty("role").GetString() == "captions" && f.GetProperty("blob").GetString() == $"{id}/{folder}/captions.srt");
            Assert.NotNull(await h.ReadBlobAsync($"{id}/{folder}/captions.srt"));
        }

        var outputs = result.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(translations.Select(t => t.Id).Order(), outputs.Select(o => o.GetProperty("heygen_id").GetString()!).Order());
        Assert.All(outputs, o => Assert.Equal(42, o.GetProperty("duration_seconds").GetDouble()));
        Assert.Null(await h.ReadBlobAsync($"{id}/video.mp4"));
        AssertCreditsMatchTheEmulatorsCharge(h, result, "video_translation_precision", 0.1m);
        Assert.Equal(126, result.GetProperty("credits").GetProperty("billed_seconds").GetDouble());
        output.WriteLine($"translation x3: {h.Calls.Total} HeyGen API calls: {h.Calls.Describe()}");
    }

    [Fact]
    public async Task Render_TranslationOneLanguageFails_WritesErrorNamingTheLanguage()
    {
        await using var h = await RenderHarness.StartAsync(azurite);
        await UploadAsync(h, "clip.mp4", Media(40_000, s_mp4Signature), "video/mp4");
        var id = await h.StartRenderAsync($$"""
            { "version": 1, "kind": "translation", "title": "Clip [[emulator:fail:internal_error]]",
              "translation": { "video": { "blob": "clip.mp4", "container": "{{h.Storage.RequestsContainer}}" },
                               "output_languages": ["Spanish", "French"] },
              "wait": { "mode": "auto" } }
            """);

        await Finish(h, id);

        var error = Json(await h.ReadBlobAsync($"{id}/error.json"));
        Assert.Equal("wait", error.GetProperty("stage").GetString());
        Assert.StartsWith("Spanish: ", error.GetProperty("failure_message").GetString(), StringComparison.Ordinal);
        Assert.Null(await h.ReadBlobAsync($"{id}/result.json"));
    }
}
