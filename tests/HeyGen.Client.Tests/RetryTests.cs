using System.Globalization;
using HeyGen.Client.Tests.Support;
using HeyGenRender.TestSupport;
using Microsoft.AspNetCore.Http;

namespace HeyGen.Client.Tests;

public sealed class RetryTests : IAsyncLifetime
{
    private const string VideoJson = """{"data":{"id":"v1","status":"completed","video_url":"https://files.example/v1.mp4"}}""";
    private const string CreatedJson = """{"data":{"video_id":"v1","status":"waiting"}}""";

    private readonly ManualTimeProvider _time = new();
    private LoopbackServer _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetVideo_429WithRetryAfterSeconds_WaitsExactlyThatLongThenSucceeds()
    {
        Script((429, """{"error":{"code":"rate_limit_exceeded","message":"slow down"}}""", "7"), (200, VideoJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.GetAsync("v1");
        var waits = await VirtualTime.DriveAsync(call, _time);

        Assert.Equal("v1", (await call).Id);
        Assert.Equal([TimeSpan.FromSeconds(7)], waits);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task GetVideo_429WithRetryAfterHttpDate_WaitsUntilThatDate()
    {
        var date = (_time.GetUtcNow() + TimeSpan.FromSeconds(12)).ToString("r", CultureInfo.InvariantCulture);
        Script((429, """{"error":{"code":"rate_limit_exceeded","message":"slow down"}}""", date), (200, VideoJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.GetAsync("v1");
        var waits = await VirtualTime.DriveAsync(call, _time);

        await call;
        Assert.Equal([TimeSpan.FromSeconds(12)], waits);
    }

    [Fact]
    public async Task GetVideo_RetryAfterLongerThanCap_ThrowsAtOnceWithRetryAfter()
    {
        Script((429, """{"error":{"code":"rate_limit_exceeded","message":"concurrency limit"}}""", "120"));
        using var client = TestClients.Create(_server.BaseAddress, _time, o => o.MaxRetryAfter = TimeSpan.FromSeconds(30));

        var call = client.Videos.GetAsync("v1");
        var waits = await VirtualTime.DriveAsync(call, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => call);
        Assert.Equal(429, ex.Status);
        Assert.Equal(HeyGenErrorCode.RateLimitExceeded, ex.ErrorCode);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
        Assert.Empty(waits);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetVideo_503Twice_RetriesWithDoublingBackoff()
    {
        Script((503, "{}", null), (503, "{}", null), (200, VideoJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.GetAsync("v1");
        var waits = await VirtualTime.DriveAsync(call, _time);

        await call;
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], waits);
    }

    [Fact]
    public async Task GetVideo_408_IsRetried()
    {
        Script((408, "{}", null), (200, VideoJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.GetAsync("v1");
        await VirtualTime.DriveAsync(call, _time);

        await call;
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task GetVideo_AlwaysFailing_GivesUpAfterMaxRetriesWithTheLastError()
    {
        _server.Handler = (ctx, _) => LoopbackServer.Json(ctx, 500, """{"error":{"code":"internal_error","message":"boom"}}""");
        using var client = TestClients.Create(_server.BaseAddress, _time, o => o.MaxRetries = 2);

        var call = client.Videos.GetAsync("v1");
        await VirtualTime.DriveAsync(call, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => call);
        Assert.Equal(500, ex.Status);
        Assert.Equal(HeyGenErrorCode.InternalError, ex.ErrorCode);
        Assert.Equal(3, _server.Requests.Count);
    }

    [Fact]
    public async Task GetVideo_ConnectionDropped_IsRetried()
    {
        var calls = 0;
        _server.Handler = (ctx, _) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                ctx.Abort();
                return Task.CompletedTask;
            }

            return LoopbackServer.Json(ctx, 200, VideoJson);
        };
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.GetAsync("v1");
        await VirtualTime.DriveAsync(call, _time);

        Assert.Equal("v1", (await call).Id);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task CreateVideo_500WithoutIdempotencyKey_IsNotRetried()
    {
        Script((500, """{"error":{"code":"internal_error","message":"boom"}}""", null), (200, CreatedJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = "a", Script = "Hello" });
        await VirtualTime.DriveAsync(call, _time);

        await Assert.ThrowsAsync<HeyGenException>(() => call);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task CreateVideo_429WithoutIdempotencyKey_IsRetriedAfterRetryAfter()
    {
        // A 429 created nothing, so sending the same create again cannot make a second video.
        Script((429, """{"error":{"code":"rate_limit_exceeded","message":"slow"}}""", "1"), (200, CreatedJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);
        var started = _time.GetUtcNow();

        var call = client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = "a", Script = "Hello" });
        await VirtualTime.DriveAsync(call, _time);

        Assert.Equal("v1", (await call).VideoId);
        Assert.Equal(2, _server.Requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), _time.GetUtcNow() - started);
    }

    [Fact]
    public async Task CreateVideo_429WithoutIdempotencyKeyRetryAfterAboveCap_IsSurfacedNotRetried()
    {
        Script((429, """{"error":{"code":"concurrency_limit_exceeded","message":"busy"}}""", "600"), (200, CreatedJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = "a", Script = "Hello" });
        await VirtualTime.DriveAsync(call, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => call);
        Assert.Equal(TimeSpan.FromMinutes(10), ex.RetryAfter);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task CreateVideo_500WithIdempotencyKey_IsRetriedWithTheSameKeyAndBody()
    {
        Script((500, """{"error":{"code":"internal_error","message":"boom"}}""", null), (200, CreatedJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = "a", Script = "Hello" }, idempotencyKey: "render-42-create");
        await VirtualTime.DriveAsync(call, _time);

        Assert.Equal("v1", (await call).VideoId);
        var requests = _server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal("render-42-create", r.Header("Idempotency-Key")));
        Assert.Equal(requests[0].BodyText, requests[1].BodyText);
    }

    [Fact]
    public async Task CreateVideo_409RequestInProgress_IsRetried()
    {
        Script((409, """{"error":{"code":"request_in_progress","message":"wait"}}""", null), (200, CreatedJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = "a", Script = "Hello" }, idempotencyKey: "k1");
        await VirtualTime.DriveAsync(call, _time);

        Assert.Equal("v1", (await call).VideoId);
        Assert.Equal(2, _server.Requests.Count);
    }

    [Fact]
    public async Task CreateVideo_409Conflict_IsNotRetried()
    {
        Script((409, """{"error":{"code":"conflict","message":"different body","param":"Idempotency-Key"}}""", null), (200, CreatedJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var call = client.Videos.CreateAsync(new AvatarVideoRequest { AvatarId = "a", Script = "Hello" }, idempotencyKey: "k1");
        await VirtualTime.DriveAsync(call, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => call);
        Assert.Equal(HeyGenErrorCode.Conflict, ex.ErrorCode);
        Assert.Equal("Idempotency-Key", ex.Param);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetVideo_400_ThrowsWithEveryErrorDetailAndIsNotRetried()
    {
        _server.Handler = (ctx, _) => LoopbackServer.Json(
            ctx,
            400,
            """{"error":{"code":"invalid_parameter","message":"script is too long","param":"script","doc_url":"https://developers.heygen.com/docs/error-codes#invalid-parameter"}}""",
            new Dictionary<string, string> { ["X-Request-Id"] = "req_abc" });
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => client.Videos.GetAsync("v1"));

        Assert.Equal(400, ex.Status);
        Assert.Equal(HeyGenErrorCode.InvalidParameter, ex.ErrorCode);
        Assert.Contains("script is too long", ex.Message, StringComparison.Ordinal);
        Assert.Equal("script", ex.Param);
        Assert.Equal("https://developers.heygen.com/docs/error-codes#invalid-parameter", ex.DocUrl);
        Assert.Equal("req_abc", ex.RequestId);
        Assert.Null(ex.RetryAfter);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task GetVideo_UnknownErrorCode_IsKeptVerbatim()
    {
        _server.Handler = (ctx, _) => LoopbackServer.Json(ctx, 418, """{"error":{"code":"brand_new_code","message":"new"}}""");
        using var client = TestClients.Create(_server.BaseAddress, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => client.Videos.GetAsync("v1"));

        Assert.Equal("brand_new_code", ex.ErrorCode?.Value);
        Assert.Equal(418, ex.Status);
    }

    [Fact]
    public async Task GetVideo_ServerNeverAnswers_TimesOutAfterRequestTimeoutOnVirtualTime()
    {
        _server.Handler = async (ctx, _) =>
        {
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ctx.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
        };
        using var client = TestClients.Create(_server.BaseAddress, _time, o => o.RequestTimeout = TimeSpan.FromSeconds(10));

        var call = client.Videos.GetAsync("v1");
        var waits = await VirtualTime.DriveAsync(call, _time);

        var ex = await Assert.ThrowsAsync<HeyGenException>(() => call);
        Assert.IsType<TimeoutException>(ex.InnerException);
        Assert.Equal([TimeSpan.FromSeconds(10)], waits);
    }

    [Fact]
    public async Task GetVideo_FinishedWithinRequestTimeout_LeavesNoTimerBehind()
    {
        Script((200, VideoJson, null));
        using var client = TestClients.Create(_server.BaseAddress, _time, o => o.RequestTimeout = TimeSpan.FromSeconds(10));

        await client.Videos.GetAsync("v1");

        Assert.Equal(0, _time.ActiveTimers);
        _time.Advance(TimeSpan.FromMinutes(1));
    }

    private void Script(params (int Status, string Body, string? RetryAfter)[] answers)
    {
        var index = -1;
        _server.Handler = (ctx, _) =>
        {
            var i = Math.Min(Interlocked.Increment(ref index), answers.Length - 1);
            var (status, body, retryAfter) = answers[i];
            var headers = retryAfter is null ? null : new Dictionary<string, string> { ["Retry-After"] = retryAfter };
            return LoopbackServer.Json(ctx, status, body, headers);
        };
    }
}
