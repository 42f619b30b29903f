using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace HeyGen.Emulator.Tests;

public sealed class UploadAndWebhookTests
{
    [Fact]
    public async Task DirectUpload_DocumentedCurlSequence_Works()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var dir = Directory.CreateTempSubdirectory();
        try
        {
            await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "footage.mp4"), Media.Mp4Writer.Create(256, 144, 2, 3));
            // The # Upload Assets curl steps, with jq replaced by python3 (jq is not installed here) and the base URL swapped.
            var script = $$"""
                set -e
                cd {{dir.FullName}}
                BASE={{emulator.Host.BaseAddress.ToString().TrimEnd('/')}}
                HEYGEN_API_KEY={{TestEmulator.Key}}
                SIZE=$(stat -c%s ./footage.mp4)
                INIT=$(curl -s -X POST "$BASE/v3/assets/direct-uploads" -H "X-Api-Key: $HEYGEN_API_KEY" -H "Content-Type: application/json" -d "{\"filename\": \"footage.mp4\", \"content_type\": \"video/mp4\", \"size_bytes\": $SIZE}")
                ASSET_ID=$(echo "$INIT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["asset_id"])')
                UPLOAD_URL=$(echo "$INIT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["upload_url"])')
                HEADER_ARGS=$(echo "$INIT" | python3 -c 'import json,sys; print(" ".join("-H \"%s: %s\"" % kv for kv in json.load(sys.stdin)["data"]["upload_headers"].items()))')
                eval curl -sf -X PUT "\"$UPLOAD_URL\"" $HEADER_ARGS --upload-file ./footage.mp4
                curl -s -X POST "$BASE/v3/assets/$ASSET_ID/complete" -H "X-Api-Key: $HEYGEN_API_KEY" -H "Content-Type: application/json" -d '{}'
                """;
            var (code, output, error) = await ContractTests.RunAsync("bash", "-s", script);
            Assert.True(code == 0, error + output);
            var data = JsonNode.Parse(output)!["data"]!;
            Assert.Equal("video/mp4", data["mime_type"]!.GetValue<string>());
            Assert.Equal("ready", data["status"]!.GetValue<string>());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DirectUpload_CompleteBeforePut_Returns409ThenIdempotent()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var bytes = Media.Mp4Writer.Create(256, 144, 1, 5);
        var init = (await emulator.SendAsync(HttpMethod.Post, "/v3/assets/direct-uploads", new JsonObject { ["filename"] = "a.mp4", ["content_type"] = "video/mp4", ["size_bytes"] = bytes.Length })).Body!["data"]!;
        var id = init["asset_id"]!.GetValue<string>();
        var (early, error) = await emulator.SendAsync(HttpMethod.Post, $"/v3/assets/{id}/complete", "{}");
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("resource_not_ready", error!["error"]!["code"]!.GetValue<string>());

        using var plain = new HttpClient();
        using var wrongSize = new ByteArrayContent(bytes[..^1]);
        wrongSize.Headers.ContentType = new("video/mp4");
        Assert.False((await plain.PutAsync(init["upload_url"]!.GetValue<string>(), wrongSize)).IsSuccessStatusCode);
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("video/mp4");
        Assert.Equal(HttpStatusCode.OK, (await plain.PutAsync(init["upload_url"]!.GetValue<string>(), content)).StatusCode);
        var first = (await emulator.SendAsync(HttpMethod.Post, $"/v3/assets/{id}/complete", "{}")).Body!;
        var again = (await emulator.SendAsync(HttpMethod.Post, $"/v3/assets/{id}/complete", "{}")).Body!;
        Assert.Equal(first["data"]!["asset_id"]!.GetValue<string>(), again["data"]!["asset_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task DirectUpload_BytesNotMatchingContentType_CompleteRejects()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var bytes = Encoding.ASCII.GetBytes("%PDF-1.4 not a video at all");
        var init = (await emulator.SendAsync(HttpMethod.Post, "/v3/assets/direct-uploads", new JsonObject { ["filename"] = "a.mp4", ["content_type"] = "video/mp4", ["size_bytes"] = bytes.Length })).Body!["data"]!;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("video/mp4");
        using var plain = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await plain.PutAsync(init["upload_url"]!.GetValue<string>(), content)).StatusCode);
        var (response, body) = await emulator.SendAsync(HttpMethod.Post, $"/v3/assets/{init["asset_id"]}/complete", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("content_type", body!["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_DeliveredAfterTimeAdvance_VerifiesWithOpenssl()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync(o => o.RenderDuration = TimeSpan.FromMinutes(5));
        var secret = (await emulator.SendAsync(HttpMethod.Post, "/v3/webhooks/endpoints", new JsonObject { ["url"] = receiver.Url })).Body!["data"]!["secret"]!.GetValue<string>();
        await emulator.CreateAvatarVideoAsync(callbackId: "order-17");
        await emulator.Host.WaitForIdleAsync();
        Assert.Empty(receiver.Received);

        emulator.Time.Advance(TimeSpan.FromMinutes(5));
        await emulator.Host.WaitForIdleAsync();
        var (body, headers) = Assert.Single(receiver.Received);
        var path = Path.GetTempFileName();
        await File.WriteAllBytesAsync(path, body);
        try
        {
            var (code, output, _) = await ContractTests.RunAsync("openssl", $"dgst -sha256 -hmac {secret} -r {path}");
            Assert.Equal(0, code);
            Assert.Equal(output.Split(' ')[0], headers["Heygen-Signature"]);
        }
        finally
        {
            File.Delete(path);
        }

        var json = JsonNode.Parse(body)!;
        Assert.Equal("avatar_video.success", json["event_type"]!.GetValue<string>());
        Assert.Equal("order-17", json["event_data"]!["callback_id"]!.GetValue<string>());
        Assert.Equal(json["event_id"]!.GetValue<string>(), headers["Heygen-Event-Id"]);
        Assert.False(string.IsNullOrEmpty(headers["Heygen-Timestamp"]));
    }

    [Fact]
    public async Task Webhook_RotatedSecret_SignsWithNewSecretOnly()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        var endpoint = (await emulator.SendAsync(HttpMethod.Post, "/v3/webhooks/endpoints", new JsonObject { ["url"] = receiver.Url })).Body!["data"]!;
        var oldSecret = endpoint["secret"]!.GetValue<string>();
        var newSecret = (await emulator.SendAsync(HttpMethod.Post, $"/v3/webhooks/endpoints/{endpoint["endpoint_id"]}/rotate-secret")).Body!["data"]!["secret"]!.GetValue<string>();
        await emulator.CreateAvatarVideoAsync();
        await emulator.Host.WaitForIdleAsync();
        var (body, headers) = Assert.Single(receiver.Received);
        var signature = headers["Heygen-Signature"];
        Assert.Equal(Hmac(newSecret, body), signature);
        Assert.NotEqual(Hmac(oldSecret, body), signature);
    }

    [Fact]
    public async Task Webhook_ReceiverFails_RetriedWithBackoffOnEmulatorTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StatusToReturn = 500;
        await using var emulator = await TestEmulator.StartAsync(o => o.WebhookRetryBaseDelay = TimeSpan.FromSeconds(10));
        await emulator.SendAsync(HttpMethod.Post, "/v3/webhooks/endpoints", new JsonObject { ["url"] = receiver.Url });
        await emulator.CreateAvatarVideoAsync();
        await emulator.Host.WaitForIdleAsync();
        Assert.Single(receiver.Received);
        emulator.Time.Advance(TimeSpan.FromSeconds(9));
        await emulator.Host.WaitForIdleAsync();
        Assert.Single(receiver.Received);
        receiver.StatusToReturn = 200;
        emulator.Time.Advance(TimeSpan.FromSeconds(1));
        await emulator.Host.WaitForIdleAsync();
        Assert.Equal(2, receiver.Received.Count);
        Assert.Equal(2, emulator.Host.State.Deliveries.Count);
        Assert.True(emulator.Host.State.Deliveries[^1].Succeeded);
        emulator.Time.Advance(TimeSpan.FromMinutes(10));
        await emulator.Host.WaitForIdleAsync();
        Assert.Equal(2, receiver.Received.Count);
    }

    [Fact]
    public async Task CallbackUrl_Delivery_IsUnsigned()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateAvatarVideoAsync(callbackUrl: receiver.Url, callbackId: "cb-1");
        await emulator.Host.WaitForIdleAsync();
        var (body, headers) = Assert.Single(receiver.Received);
        Assert.False(headers.ContainsKey("Heygen-Signature"));
        Assert.Equal("cb-1", JsonNode.Parse(body)!["event_data"]!["callback_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(FaultKind.WebhookDrop, 0)]
    [InlineData(FaultKind.WebhookDuplicate, 2)]
    public async Task WebhookFaults_DropAndDuplicate_AreObserved(FaultKind kind, int expected)
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Host.Faults.Add(new FaultRule { Kind = kind, Count = 1 });
        await emulator.SendAsync(HttpMethod.Post, "/v3/webhooks/endpoints", new JsonObject { ["url"] = receiver.Url });
        await emulator.CreateAvatarVideoAsync();
        await emulator.Host.WaitForIdleAsync();
        Assert.Equal(expected, receiver.Received.Count);
        Assert.Equal(expected, receiver.Received.Select(r => r.Headers["Heygen-Event-Id"]).Count());
        Assert.Single((await emulator.SendAsync(HttpMethod.Get, "/v3/webhooks/events")).Body!["data"]!.AsArray());
    }

    [Fact]
    public async Task WebhookFaults_DelayAndReorder_AreObserved()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.SendAsync(HttpMethod.Post, "/v3/webhooks/endpoints", new JsonObject { ["url"] = receiver.Url });
        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.WebhookReorder, Count = 1, Delay = TimeSpan.FromMinutes(1) });
        var first = await emulator.CreateAvatarVideoAsync();
        var second = await emulator.CreateAvatarVideoAsync();
        await emulator.Host.WaitForIdleAsync();
        await emulator.Host.WaitForIdleAsync();
        var order = receiver.Received.Select(r => JsonNode.Parse(r.Body)!["event_data"]!["video_id"]!.GetValue<string>()).ToList();
        Assert.Equal([second, first], order);

        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.WebhookDelay, Count = 1, Delay = TimeSpan.FromSeconds(30) });
        await emulator.CreateAvatarVideoAsync();
        await emulator.Host.WaitForIdleAsync();
        Assert.Equal(2, receiver.Received.Count);
        emulator.Time.Advance(TimeSpan.FromSeconds(30));
        await emulator.Host.WaitForIdleAsync();
        Assert.Equal(3, receiver.Received.Count);
    }

    [Fact]
    public async Task AssetNotFoundFault_JustCompletedAsset_404ThenFound()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.AssetNotFoundAfterComplete, Count = 1, RetryAfterSeconds = 1 });
        var bytes = Media.Mp4Writer.Create(256, 144, 1, 5);
        var init = (await emulator.SendAsync(HttpMethod.Post, "/v3/assets/direct-uploads", new JsonObject { ["filename"] = "a.mp4", ["content_type"] = "video/mp4", ["size_bytes"] = bytes.Length })).Body!["data"]!;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("video/mp4");
        using var plain = new HttpClient();
        await plain.PutAsync(init["upload_url"]!.GetValue<string>(), content);
        var id = init["asset_id"]!.GetValue<string>();
        await emulator.SendAsync(HttpMethod.Post, $"/v3/assets/{id}/complete", "{}");
        Assert.Equal(HttpStatusCode.NotFound, (await emulator.SendAsync(HttpMethod.Get, $"/v3/assets/{id}")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await emulator.SendAsync(HttpMethod.Get, $"/v3/assets/{id}")).Response.StatusCode);
    }

    private static string Hmac(string secret, byte[] body) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
}
