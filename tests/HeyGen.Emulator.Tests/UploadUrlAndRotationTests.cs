using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using HeyGen.Client;

namespace HeyGen.Emulator.Tests;

/// <summary>The presigned PUT's S3-style checks, and a secret rotation between a failed delivery and its retry.</summary>
public sealed class UploadUrlAndRotationTests
{
    [Fact]
    public async Task UploadPut_ViolatingTheSignedContract_IsRejectedAndAssetStaysPending()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.UploadUrlLifetime = TimeSpan.FromMinutes(10));
        var bytes = Media.Mp4Writer.Create(256, 144, 1, 5);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var init = (await emulator.SendAsync(HttpMethod.Post, "/v3/assets/direct-uploads", new JsonObject
        {
            ["filename"] = "a.mp4", ["content_type"] = "video/mp4", ["size_bytes"] = bytes.Length, ["checksum_sha256"] = sha,
        })).Body!["data"]!;
        var url = init["upload_url"]!.GetValue<string>();
        var headers = init["upload_headers"]!.AsObject().ToDictionary(h => h.Key, h => h.Value!.GetValue<string>());
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(sha)), headers["x-amz-checksum-sha256"]);
        using var plain = new HttpClient();

        async Task<(HttpStatusCode Status, string Body)> PutAsync(string target, byte[] body, IReadOnlyDictionary<string, string> sent)
        {
            using var content = new ByteArrayContent(body);
            foreach (var (name, value) in sent)
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await plain.PutAsync(target, content);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var corrupted = (byte[])bytes.Clone();
        corrupted[^1] ^= 0xFF;
        var cases = new (string Name, string Url, byte[] Body, Dictionary<string, string> Headers, HttpStatusCode Status, string Code)[]
        {
            ("size edited in the URL", url.Replace($"size={bytes.Length}", $"size={bytes.Length + 1}", StringComparison.Ordinal), [.. bytes, 0], headers, HttpStatusCode.Forbidden, "SignatureDoesNotMatch"),
            ("other Content-Type", url, bytes, new(headers) { ["Content-Type"] = "application/octet-stream" }, HttpStatusCode.Forbidden, "SignatureDoesNotMatch"),
            ("checksum header left out", url, bytes, headers.Where(h => h.Key != "x-amz-checksum-sha256").ToDictionary(), HttpStatusCode.Forbidden, "SignatureDoesNotMatch"),
            ("bytes not matching the checksum", url, corrupted, headers, HttpStatusCode.BadRequest, "BadDigest"),
        };
        foreach (var (name, target, body, sent, status, code) in cases)
        {
            var (actualStatus, xml) = await PutAsync(target, body, sent);
            Assert.True(actualStatus == status && xml.Contains($"<Code>{code}</Code>", StringComparison.Ordinal), $"{name}: {actualStatus} {xml}");
        }

        Assert.Equal("pending_upload", Assert.Single(emulator.Host.State.Assets).Status);
        emulator.Time.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var (expiredStatus, expired) = await PutAsync(url, bytes, headers);
        Assert.Equal(HttpStatusCode.Forbidden, expiredStatus);
        Assert.Contains("<Code>AccessDenied</Code><Message>Request has expired</Message>", expired, StringComparison.Ordinal);
        var (complete, error) = await emulator.SendAsync(HttpMethod.Post, $"/v3/assets/{init["asset_id"]}/complete", "{}");
        Assert.Equal(HttpStatusCode.Conflict, complete.StatusCode);
        Assert.Equal("resource_not_ready", error!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task UploadPut_AfterComplete_IsRejectedAndBytesStayAsCompleted()
    {
        var storage = Directory.CreateTempSubdirectory("emulator-put-");
        try
        {
            await using var emulator = await TestEmulator.StartAsync(o => o.StorageDirectory = storage.FullName);
            var bytes = Media.Mp4Writer.Create(256, 144, 1, 5);
            var init = (await emulator.SendAsync(HttpMethod.Post, "/v3/assets/direct-uploads", new JsonObject
            {
                ["filename"] = "a.mp4", ["content_type"] = "video/mp4", ["size_bytes"] = bytes.Length,
            })).Body!["data"]!;
            var url = init["upload_url"]!.GetValue<string>();
            using var plain = new HttpClient();

            async Task<HttpResponseMessage> PutAsync(byte[] body)
            {
                var content = new ByteArrayContent(body);
                content.Headers.TryAddWithoutValidation("Content-Type", "video/mp4");
                return await plain.PutAsync(url, content);
            }

            // Two PUTs of the same URL at once each write their own temp file; both land whole.
            var concurrent = await Task.WhenAll(PutAsync(bytes), PutAsync(bytes));
            Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            var (complete, _) = await emulator.SendAsync(HttpMethod.Post, $"/v3/assets/{init["asset_id"]}/complete", "{}");
            Assert.Equal(HttpStatusCode.OK, complete.StatusCode);

            var replaced = (byte[])bytes.Clone();
            replaced[^1] ^= 0xFF;
            using var late = await PutAsync(replaced);

            Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
            Assert.Contains("<Code>AccessDenied</Code>", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var stored = Assert.Single(Directory.GetFiles(storage.FullName));
            Assert.Equal(bytes, await File.ReadAllBytesAsync(stored));
        }
        finally
        {
            storage.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Complete_WithChecksum_VerifiesTheBytesOfTheLastPut()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var first = Media.Mp4Writer.Create(256, 144, 1, 5);
        var last = (byte[])first.Clone();
        last[^1] ^= 0xFF;
        var init = (await emulator.SendAsync(HttpMethod.Post, "/v3/assets/direct-uploads", new JsonObject
        {
            ["filename"] = "a.mp4", ["content_type"] = "video/mp4", ["size_bytes"] = first.Length,
        })).Body!["data"]!;
        using var plain = new HttpClient();
        foreach (var body in new[] { first, last })
        {
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", "video/mp4");
            using var put = await plain.PutAsync(init["upload_url"]!.GetValue<string>(), content);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        var completeUrl = $"/v3/assets/{init["asset_id"]}/complete";
        var (refused, error) = await emulator.SendAsync(HttpMethod.Post, completeUrl, new JsonObject { ["checksum_sha256"] = Convert.ToHexStringLower(SHA256.HashData(first)) });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("checksum_sha256", error!["error"]!["param"]!.GetValue<string>());
        Assert.Equal("uploaded", Assert.Single(emulator.Host.State.Assets).Status);

        var (accepted, _) = await emulator.SendAsync(HttpMethod.Post, completeUrl, new JsonObject { ["checksum_sha256"] = Convert.ToHexStringLower(SHA256.HashData(last)) });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("ready", Assert.Single(emulator.Host.State.Assets).Status);
    }

    [Fact]
    public async Task Webhook_SecretRotatedBeforeRetry_RetryVerifiesWithNewSecretOnly()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.StatusToReturn = 500;
        await using var emulator = await TestEmulator.StartAsync(o => o.WebhookRetryBaseDelay = TimeSpan.FromSeconds(30));
        var endpoint = (await emulator.SendAsync(HttpMethod.Post, "/v3/webhooks/endpoints", new JsonObject { ["url"] = receiver.Url })).Body!["data"]!;
        var oldSecret = endpoint["secret"]!.GetValue<string>();
        var videoId = await emulator.CreateAvatarVideoAsync(callbackId: "job-9");
        await emulator.Host.WaitForIdleAsync();
        Assert.True(receiver.Received.TryDequeue(out var first));

        var newSecret = (await emulator.SendAsync(HttpMethod.Post, $"/v3/webhooks/endpoints/{endpoint["endpoint_id"]}/rotate-secret")).Body!["data"]!["secret"]!.GetValue<string>();
        receiver.StatusToReturn = 200;
        emulator.Time.Advance(TimeSpan.FromSeconds(30));
        await emulator.Host.WaitForIdleAsync();
        var retry = Assert.Single(receiver.Received);

        var options = new WebhookVerifierOptions { TimeProvider = emulator.Time };
        Assert.True(new WebhookVerifier(oldSecret, options).Verify(first.Body, Headers(first.Headers)).IsValid);
        var verified = new WebhookVerifier(newSecret, options).Verify(retry.Body, Headers(retry.Headers));
        Assert.True(verified.IsValid, verified.Message);
        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, new WebhookVerifier(oldSecret, options).Verify(retry.Body, Headers(retry.Headers)).Failure);
        Assert.Equal(first.Headers["Heygen-Event-Id"], retry.Headers["Heygen-Event-Id"]);
        Assert.Equal(Encoding.UTF8.GetString(first.Body), Encoding.UTF8.GetString(retry.Body));
        Assert.Equal(videoId, verified.Event!.AvatarVideo!.VideoId);
        Assert.Equal("job-9", verified.Event.CallbackId);
    }

    private static IEnumerable<KeyValuePair<string, IEnumerable<string>>> Headers(Dictionary<string, string> headers) =>
        headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, [h.Value]));
}
