using System.Security.Cryptography;
using System.Text.Json;
using HeyGen.Client.Tests.Support;
using HeyGenRender.TestSupport;
using Microsoft.AspNetCore.Http;

namespace HeyGen.Client.Tests;

public sealed class DirectUploadTests : IAsyncLifetime
{
    private const string AssetId = "asset_up1";
    private readonly ManualTimeProvider _time = new();
    private readonly Dictionary<string, string> _uploadHeaders = new()
    {
        ["Content-Type"] = "video/mp4",
        ["x-amz-meta-origin"] = "heygen-direct",
        ["x-amz-server-side-encryption"] = "AES256",
    };

    private LoopbackServer _server = null!;
    private int _notReadyAnswers;
    private int _putFailures;
    private string? _putXmlError;

    public async Task InitializeAsync()
    {
        _server = await LoopbackServer.StartAsync();
        _server.Handler = HandleAsync;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task UploadAsync_Put_CarriesExactlyTheUploadHeadersAndNoApiKey()
    {
        using var client = TestClients.Create(_server.BaseAddress, _time);

        await client.Assets.UploadAsync(new PatternStream(300_000), 300_000, "clip.mp4", "video/mp4");

        var put = Assert.Single(_server.Where("PUT", "/upload/"));
        var expected = _uploadHeaders.Keys.Concat(["Host", "Content-Length"]).Order(StringComparer.OrdinalIgnoreCase);
        Assert.Equal(expected, put.Headers.Keys.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in _uploadHeaders)
        {
            Assert.Equal(value, put.Header(name));
        }

        Assert.Null(put.Header("X-Api-Key"));
        Assert.Equal("/upload/asset_up1?sig=s3cr3t&size=300000", put.PathAndQuery);
    }

    [Fact]
    public async Task UploadAsync_Put_HasExactContentLengthAndTheStreamedBytes()
    {
        const long length = 1_234_567;
        using var client = TestClients.Create(_server.BaseAddress, _time);

        await client.Assets.UploadAsync(new PatternStream(length), length, "clip.mp4", "video/mp4");

        var put = Assert.Single(_server.Where("PUT", "/upload/"));
        Assert.Equal("1234567", put.Header("Content-Length"));
        Assert.Null(put.Header("Transfer-Encoding"));
        Assert.Equal(length, put.BodyLength);
        Assert.Equal(PatternSha256(length), put.BodySha256);
    }

    [Fact]
    public async Task UploadAsync_WithSha256_SendsItAtInitAndComplete()
    {
        const long length = 50_000;
        var sha = PatternSha256(length);
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var asset = await client.Assets.UploadAsync(new PatternStream(length), length, "clip.mp4", "video/mp4", new UploadOptions { Sha256Hex = sha.ToUpperInvariant() });

        using var init = JsonDocument.Parse(Assert.Single(_server.Where("POST", "/v3/assets/direct-uploads")).Body);
        Assert.Equal(sha, init.RootElement.GetProperty("checksum_sha256").GetString());
        Assert.Equal(length, init.RootElement.GetProperty("size_bytes").GetInt64());
        Assert.Equal("clip.mp4", init.RootElement.GetProperty("filename").GetString());
        Assert.Equal("video/mp4", init.RootElement.GetProperty("content_type").GetString());
        using var complete = JsonDocument.Parse(Assert.Single(_server.Where("POST", "/v3/assets/asset_up1/complete")).Body);
        Assert.Equal(sha, complete.RootElement.GetProperty("checksum_sha256").GetString());
        Assert.Equal(AssetId, asset.AssetId);
        Assert.Equal(AssetStatus.Ready, asset.Status);
    }

    [Fact]
    public async Task UploadAsync_WithoutSha256_SendsNoChecksumField()
    {
        using var client = TestClients.Create(_server.BaseAddress, _time);

        await client.Assets.UploadAsync(new PatternStream(10), 10, "a.png", "image/png");

        Assert.DoesNotContain("checksum", Assert.Single(_server.Where("POST", "/v3/assets/direct-uploads")).BodyText, StringComparison.Ordinal);
        Assert.Equal("{}", Assert.Single(_server.Where("POST", "/v3/assets/asset_up1/complete")).BodyText);
    }

    [Fact]
    public async Task UploadAsync_Sha256AfterUpload_IsAskedForAfterThePutAndSentAtCompleteOnly()
    {
        const long length = 40_000;
        var putsWhenAsked = -1;
        using var client = TestClients.Create(_server.BaseAddress, _time);

        await client.Assets.UploadAsync(
            new PatternStream(length),
            length,
            "clip.mp4",
            "video/mp4",
            new UploadOptions { Sha256AfterUpload = () => { putsWhenAsked = _server.Where("PUT", "/upload/").Length; return PatternSha256(length).ToUpperInvariant(); } });

        Assert.Equal(1, putsWhenAsked);
        Assert.DoesNotContain("checksum", Assert.Single(_server.Where("POST", "/v3/assets/direct-uploads")).BodyText, StringComparison.Ordinal);
        Assert.Null(Assert.Single(_server.Where("PUT", "/upload/")).Header("x-amz-checksum-sha256"));
        using var complete = JsonDocument.Parse(Assert.Single(_server.Where("POST", "/v3/assets/asset_up1/complete")).Body);
        Assert.Equal(PatternSha256(length), complete.RootElement.GetProperty("checksum_sha256").GetString());
    }

    [Fact]
    public async Task UploadAsync_BothChecksumOptions_AreRejectedBeforeAnyRequest()
    {
        using var client = TestClients.Create(_server.BaseAddress, _time);
        var options = new UploadOptions { Sha256Hex = PatternSha256(1), Sha256AfterUpload = () => PatternSha256(1) };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Assets.UploadAsync(new PatternStream(1), 1, "a.mp4", "video/mp4", options));

        Assert.Contains("Sha256AfterUpload", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task UploadAsync_InitAndComplete_CarryTheApiKey()
    {
        using var client = TestClients.Create(_server.BaseAddress, _time);

        await client.Assets.UploadAsync(new PatternStream(10), 10, "a.png", "image/png");

        Assert.Equal(TestClients.ApiKey, Assert.Single(_server.Where("POST", "/v3/assets/direct-uploads")).Header("X-Api-Key"));
        Assert.Equal(TestClients.ApiKey, Assert.Single(_server.Where("POST", "/v3/assets/asset_up1/complete")).Header("X-Api-Key"));
    }

    [Fact]
    public async Task UploadAsync_CompleteNotReady_IsRetriedWithBackoffOnVirtualTime()
    {
        _notReadyAnswers = 3;
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var upload = client.Assets.UploadAsync(new PatternStream(1000), 1000, "clip.mp4", "video/mp4");
        var waits = await VirtualTime.DriveAsync(upload, _time);

        Assert.Equal(AssetId, (await upload).AssetId);
        Assert.Equal(4, _server.Where("POST", "/v3/assets/asset_up1/complete").Length);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)], waits);
    }

    [Fact]
    public async Task UploadAsync_CompleteNeverReady_ThrowsResourceNotReadyAfterMaxAttempts()
    {
        _notReadyAnswers = int.MaxValue;
        using var client = TestClients.Create(_server.BaseAddress, _time, o => o.CompleteUploadMaxAttempts = 3);

        var upload = client.Assets.UploadAsync(new PatternStream(1000), 1000, "clip.mp4", "video/mp4");
        await VirtualTime.DriveAsync(upload, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => upload);
        Assert.Equal(409, ex.Status);
        Assert.Equal(HeyGenErrorCode.ResourceNotReady, ex.ErrorCode);
        Assert.Equal(3, _server.Where("POST", "/v3/assets/asset_up1/complete").Length);
    }

    [Fact]
    public async Task UploadAsync_Progress_ReportsIncreasingTotalsEndingAtLength()
    {
        const long length = 500_000;
        var reports = new List<long>();
        using var client = TestClients.Create(_server.BaseAddress, _time);

        await client.Assets.UploadAsync(new PatternStream(length), length, "clip.mp4", "video/mp4", new UploadOptions { Progress = new SyncProgress(reports) });

        Assert.True(reports.Count > 1);
        Assert.Equal(length, reports[^1]);
        Assert.Equal(reports.Order(), reports);
    }

    [Fact]
    public async Task UploadAsync_StreamShorterThanDeclared_FailsWithoutCompleting()
    {
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => client.Assets.UploadAsync(new PatternStream(100), 200, "clip.mp4", "video/mp4"));

        Assert.Contains("ended after 100 bytes", ex.ToString(), StringComparison.Ordinal);
        Assert.Empty(_server.Where("POST", "/v3/assets/asset_up1/complete"));
    }

    [Fact]
    public async Task UploadAsync_SeekableStreamAndPut503_RewindsAndRetriesThePut()
    {
        _putFailures = 1;
        var bytes = new byte[70_000];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = PatternStream.ByteAt(i);
        }

        using var content = new MemoryStream(bytes);
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var upload = client.Assets.UploadAsync(content, bytes.Length, "clip.mp4", "video/mp4");
        await VirtualTime.DriveAsync(upload, _time);

        await upload;
        var puts = _server.Where("PUT", "/upload/");
        Assert.Equal(2, puts.Length);
        Assert.Equal(PatternSha256(bytes.Length), puts[1].BodySha256);
    }

    [Fact]
    public async Task UploadAsync_NonSeekableStreamAndPut503_FailsWithoutRetrying()
    {
        _putFailures = 1;
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => client.Assets.UploadAsync(new PatternStream(1000), 1000, "clip.mp4", "video/mp4"));

        Assert.Equal(503, ex.Status);
        Assert.Single(_server.Where("PUT", "/upload/"));
    }

    [Fact]
    public async Task UploadAsync_PutRefusedWithS3XmlError_ThrowsWithItsCodeAndMessageAndDoesNotComplete()
    {
        _putXmlError = """
            <?xml version="1.0" encoding="UTF-8"?>
            <Error><Code>BadDigest</Code><Message>The SHA-256 you specified did not match the calculated checksum.</Message><RequestId>R1</RequestId></Error>
            """;
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => client.Assets.UploadAsync(
            new PatternStream(1000), 1000, "clip.mp4", "video/mp4", new UploadOptions { Sha256Hex = new string('a', 64) }));

        Assert.Equal(400, ex.Status);
        Assert.Equal(HeyGenErrorCode.BadDigest, ex.ErrorCode);
        Assert.Contains("The SHA-256 you specified did not match the calculated checksum.", ex.Message, StringComparison.Ordinal);
        Assert.Single(_server.Where("PUT", "/upload/"));
        Assert.Empty(_server.Where("POST", "/v3/assets/asset_up1/complete"));
    }

    [Fact]
    public async Task UploadAsync_PutRefusedWithoutABody_ThrowsWithStatusAndNoCode()
    {
        _putXmlError = string.Empty;
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => client.Assets.UploadAsync(new PatternStream(1000), 1000, "clip.mp4", "video/mp4"));

        Assert.Equal(400, ex.Status);
        Assert.Null(ex.ErrorCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task UploadAsync_NonPositiveLength_IsRejectedBeforeAnyRequest(long length)
    {
        using var client = TestClients.Create(_server.BaseAddress, _time);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.Assets.UploadAsync(new PatternStream(1), length, "a.mp4", "video/mp4"));

        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task UploadAsync_BadSha256_IsRejectedNamingTheField()
    {
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => client.Assets.UploadAsync(new PatternStream(1), 1, "a.mp4", "video/mp4", new UploadOptions { Sha256Hex = "abc" }));

        Assert.Contains("Sha256Hex", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Requests);
    }

    private static string PatternSha256(long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var stream = new PatternStream(length);
        var buffer = new byte[65536];
        int read;
        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task HandleAsync(HttpContext ctx, RecordedRequest request)
    {
        switch (request.Method, request.PathAndQuery)
        {
            case ("POST", "/v3/assets/direct-uploads"):
                using (var body = JsonDocument.Parse(request.Body))
                {
                    var size = body.RootElement.GetProperty("size_bytes").GetInt64();
                    var data = new
                    {
                        asset_id = AssetId,
                        upload_url = new Uri(_server.BaseAddress, $"/upload/{AssetId}?sig=s3cr3t&size={size}").AbsoluteUri,
                        upload_headers = _uploadHeaders,
                        expires_in_seconds = 3600,
                        max_bytes = 5L * 1024 * 1024 * 1024,
                        status = "pending_upload",
                    };
                    await LoopbackServer.Json(ctx, 200, JsonSerializer.Serialize(new { data }));
                }

                break;
            case ("PUT", _) when request.PathAndQuery.StartsWith("/upload/", StringComparison.Ordinal):
                if (Interlocked.Decrement(ref _putFailures) >= 0)
                {
                    ctx.Response.StatusCode = 503;
                    return;
                }

                if (_putXmlError is { } xml)
                {
                    ctx.Response.StatusCode = 400;
                    if (xml.Length > 0)
                    {
                        ctx.Response.ContentType = "application/xml";
                        await ctx.Response.WriteAsync(xml);
                    }

                    return;
                }

                ctx.Response.StatusCode = 200;
                break;
            case ("POST", "/v3/assets/asset_up1/complete"):
                if (Interlocked.Decrement(ref _notReadyAnswers) >= 0)
                {
                    await LoopbackServer.Json(ctx, 409, """{"error":{"code":"resource_not_ready","message":"Uploaded object not found yet"}}""");
                    return;
                }

                await LoopbackServer.Json(ctx, 200, """{"data":{"asset_id":"asset_up1","url":"https://files.example/asset_up1.mp4","mime_type":"video/mp4","size_bytes":1000,"status":"ready"}}""");
                break;
            default:
                await LoopbackServer.Json(ctx, 404, """{"error":{"code":"resource_not_found","message":"no route"}}""");
                break;
        }
    }

    private sealed class SyncProgress(List<long> reports) : IProgress<long>
    {
        public void Report(long value)
        {
            lock (reports)
            {
                reports.Add(value);
            }
        }
    }
}
