using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using HeyGenRender.TestSupport;

namespace HeyGen.Emulator.Tests;

public sealed class ContractTests
{
    private static readonly Lazy<JsonObject> s_cliOperations = new(() => (JsonObject)JsonNode.Parse(File.ReadAllText(RepoPaths.CliOperations))!);

    private static void AssertMatchesCliSchema(string method, string endpoint, JsonNode? body)
    {
        var operation = s_cliOperations.Value["operations"]!.AsArray()
            .Single(o => o!["Method"]!.GetValue<string>() == method && o["Endpoint"]!.GetValue<string>() == endpoint)!;
        var schema = JsonSchema.FromText(WithNullAsType(operation["ResponseSchema"]!.DeepClone()).ToJsonString());
        using var document = JsonDocument.Parse(body?.ToJsonString() ?? "null");
        var result = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
        Assert.True(result.IsValid, $"{method} {endpoint}: {string.Join("; ", errors)}\n{body?.ToJsonString()}");
    }

    // The CLI's schemas are OpenAPI 3.0 style: "nullable: true" beside a type. JSON Schema says the same with "null" among the types.
    private static JsonNode WithNullAsType(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["nullable"] is JsonValue nullable && nullable.GetValue<bool>())
                {
                    obj.Remove("nullable");
                    switch (obj["type"])
                    {
                        case JsonValue type:
                            obj["type"] = new JsonArray(type.GetValue<string>(), "null");
                            break;
                        case JsonArray types when !types.Any(t => t?.GetValue<string>() == "null"):
                            types.Add("null");
                            break;
                    }

                    if (obj["enum"] is JsonArray values)
                    {
                        values.Add(null);
                    }
                }

                foreach (var (_, child) in obj.ToList())
                {
                    if (child is not null)
                    {
                        WithNullAsType(child);
                    }
                }

                break;
            case JsonArray array:
                foreach (var child in array.OfType<JsonNode>())
                {
                    WithNullAsType(child);
                }

                break;
        }

        return node;
    }

    [Fact]
    public async Task Responses_OfEmulatedOperations_MatchDocumentedSchemas()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var videoId = await emulator.CreateAvatarVideoAsync();
        var checks = new List<(string Method, string Endpoint, string Path)>
        {
            ("GET", "/v3/videos/{video_id}", $"/v3/videos/{videoId}"),
            ("GET", "/v3/videos", "/v3/videos"),
            ("GET", "/v3/users/me", "/v3/users/me"),
            ("GET", "/v3/avatars", "/v3/avatars"),
            ("GET", "/v3/avatars/{group_id}", "/v3/avatars/grp_emulator_anna"),
            ("GET", "/v3/avatars/looks", "/v3/avatars/looks"),
            ("GET", "/v3/avatars/looks/{look_id}", "/v3/avatars/looks/look_emulator_anna_office"),
            ("GET", "/v3/voices", "/v3/voices"),
            ("GET", "/v3/webhooks/event-types", "/v3/webhooks/event-types"),
            ("GET", "/v3/webhooks/events", "/v3/webhooks/events"),
            ("GET", "/v3/webhooks/endpoints", "/v3/webhooks/endpoints"),
            ("GET", "/v3/video-translations/languages", "/v3/video-translations/languages"),
            ("GET", "/v3/video-translations", "/v3/video-translations"),
            ("GET", "/v3/lipsyncs", "/v3/lipsyncs"),
            ("GET", "/v3/video-agents", "/v3/video-agents"),
        };
        foreach (var (method, operation, path) in checks)
        {
            var (response, body) = await emulator.SendAsync(HttpMethod.Get, path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            AssertMatchesCliSchema(method, operation, body);
        }

        var (_, agent) = await emulator.SendAsync(HttpMethod.Post, "/v3/video-agents", new JsonObject { ["prompt"] = "A product demo" });
        AssertMatchesCliSchema("POST", "/v3/video-agents", agent);
        var sessionId = agent!["data"]!["session_id"]!.GetValue<string>();
        var (_, session) = await emulator.SendAsync(HttpMethod.Get, $"/v3/video-agents/{sessionId}");
        AssertMatchesCliSchema("GET", "/v3/video-agents/{session_id}", session);
        Assert.Equal("completed", session!["data"]!["status"]!.GetValue<string>());

        var asset = await UploadMultipartAsync(emulator, "clip.mp4", Media.Mp4Writer.Create(256, 144, 1, 10));
        AssertMatchesCliSchema("POST", "/v3/assets", asset);
        var assetId = asset!["data"]!["asset_id"]!.GetValue<string>();
        var (_, assetGet) = await emulator.SendAsync(HttpMethod.Get, $"/v3/assets/{assetId}");
        AssertMatchesCliSchema("GET", "/v3/assets/{asset_id}", assetGet);

        var reference = new JsonObject { ["type"] = "asset_id", ["asset_id"] = assetId };
        var (_, translation) = await emulator.SendAsync(HttpMethod.Post, "/v3/video-translations", new JsonObject
        {
            ["video"] = reference.DeepClone(), ["output_languages"] = new JsonArray("German", "French"),
        });
        AssertMatchesCliSchema("POST", "/v3/video-translations", translation);
        Assert.Equal(2, translation!["data"]!["video_translation_ids"]!.AsArray().Count);
        var translationId = translation["data"]!["video_translation_ids"]![0]!.GetValue<string>();
        var (_, translationGet) = await emulator.SendAsync(HttpMethod.Get, $"/v3/video-translations/{translationId}");
        AssertMatchesCliSchema("GET", "/v3/video-translations/{video_translation_id}", translationGet);

        var (_, lipsync) = await emulator.SendAsync(HttpMethod.Post, "/v3/lipsyncs", new JsonObject { ["video"] = reference.DeepClone(), ["audio"] = reference.DeepClone() });
        AssertMatchesCliSchema("POST", "/v3/lipsyncs", lipsync);
        var (_, lipsyncGet) = await emulator.SendAsync(HttpMethod.Get, $"/v3/lipsyncs/{lipsync!["data"]!["lipsync_id"]}");
        AssertMatchesCliSchema("GET", "/v3/lipsyncs/{lipsync_id}", lipsyncGet);

        var (_, endpoint) = await emulator.SendAsync(HttpMethod.Post, "/v3/webhooks/endpoints", new JsonObject { ["url"] = "http://127.0.0.1:9/hook" });
        AssertMatchesCliSchema("POST", "/v3/webhooks/endpoints", endpoint);
        var (_, rotated) = await emulator.SendAsync(HttpMethod.Post, $"/v3/webhooks/endpoints/{endpoint!["data"]!["endpoint_id"]}/rotate-secret");
        AssertMatchesCliSchema("POST", "/v3/webhooks/endpoints/{endpoint_id}/rotate-secret", rotated);

        var (_, deleted) = await emulator.SendAsync(HttpMethod.Delete, $"/v3/videos/{videoId}");
        AssertMatchesCliSchema("DELETE", "/v3/videos/{video_id}", deleted);
    }

    [Fact]
    public async Task CreateVideo_UnknownField_Returns400NamingParam()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (response, body) = await emulator.SendAsync(HttpMethod.Post, "/v3/videos", """{"type":"avatar","avatar_id":"look_emulator_anna_office","script":"Hi there","voice_settings":{"speed":1,"tempo":2}}""");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_parameter", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("voice_settings.tempo", body["error"]!["param"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"type":"avatar","script":"Hi"}""", "avatar_id")]
    [InlineData("""{"type":"video","avatar_id":"x"}""", "type")]
    [InlineData("""{"type":"avatar","avatar_id":"look_emulator_anna_office","aspect_ratio":"4:3","script":"Hi"}""", "aspect_ratio")]
    public async Task CreateVideo_InvalidBody_Returns400NamingParam(string json, string param)
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (response, body) = await emulator.SendAsync(HttpMethod.Post, "/v3/videos", json);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, body!["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateVideo_ScriptOver5000Characters_Returns400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var body = new JsonObject { ["type"] = "avatar", ["avatar_id"] = "look_emulator_anna_office", ["script"] = new string('a', 5001) };
        var (response, json) = await emulator.SendAsync(HttpMethod.Post, "/v3/videos", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("script", json!["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateVideoAgent_21Files_Returns400()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var files = new JsonArray([.. Enumerable.Range(0, 21).Select(_ => (JsonNode)new JsonObject { ["type"] = "url", ["url"] = "https://example.com/a.png" })]);
        var (response, json) = await emulator.SendAsync(HttpMethod.Post, "/v3/video-agents", new JsonObject { ["prompt"] = "x", ["files"] = files });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("files", json!["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnyOperation_WrongApiKey_Returns401Unauthorized()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (response, body) = await emulator.SendAsync(HttpMethod.Get, "/v3/videos", configure: r => r.Headers.Add("X-Api-Key", "wrong"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", body!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task GetVideo_AsManualTimeAdvances_MovesPendingProcessingCompleted()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.RenderDuration = TimeSpan.FromMinutes(5));
        var id = await emulator.CreateAvatarVideoAsync();
        async Task<string> StatusAsync() => (await emulator.SendAsync(HttpMethod.Get, $"/v3/videos/{id}")).Body!["data"]!["status"]!.GetValue<string>();
        Assert.Equal("pending", await StatusAsync());
        emulator.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("processing", await StatusAsync());
        emulator.Time.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal("completed", await StatusAsync());
    }

    [Fact]
    public async Task CompletedVideo_Download_IsMp4AcceptedByFfprobe()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await emulator.CreateAvatarVideoAsync();
        var url = (await emulator.SendAsync(HttpMethod.Get, $"/v3/videos/{id}")).Body!["data"]!["video_url"]!.GetValue<string>();
        var path = Path.Combine(Path.GetTempPath(), Path.GetRandomFileName() + ".mp4");
        await File.WriteAllBytesAsync(path, await new HttpClient().GetByteArrayAsync(url));
        try
        {
            var (code, output, error) = await RunAsync("ffprobe", $"-v error -show_format -show_streams {path}");
            Assert.True(code == 0 && error.Length == 0, error);
            Assert.Contains("codec_name=h264", output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task SizeMarker_Download_HasExactSizeAndSameBytesTwice()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await emulator.CreateAvatarVideoAsync("Big one [[emulator:size:5000000]] please");
        var url = (await emulator.SendAsync(HttpMethod.Get, $"/v3/videos/{id}")).Body!["data"]!["video_url"]!.GetValue<string>();
        using var client = new HttpClient();
        var first = SHA256.HashData(await client.GetStreamAsync(url));
        var bytes = await client.GetByteArrayAsync(url);
        Assert.Equal(5_000_000, bytes.Length);
        Assert.Equal(first, SHA256.HashData(bytes));
    }

    [Fact]
    public async Task FailMarker_Video_FailsWithCodeAndChargesNothing()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var before = emulator.Host.State.CreditBalance;
        var id = await emulator.CreateAvatarVideoAsync("Say this [[emulator:fail:internal_error]]");
        var data = (await emulator.SendAsync(HttpMethod.Get, $"/v3/videos/{id}")).Body!["data"]!;
        Assert.Equal("failed", data["status"]!.GetValue<string>());
        Assert.Equal("internal_error", data["failure_code"]!.GetValue<string>());
        Assert.NotNull(data["failure_message"]);
        Assert.Equal(before, emulator.Host.State.CreditBalance);
    }

    [Fact]
    public async Task CompletedVideo_UsersMe_BalanceDropsByRateTimesDuration()
    {
        await using var emulator = await TestEmulator.StartAsync();
        await emulator.CreateAvatarVideoAsync("Twenty seconds [[emulator:duration:20]]");
        var balance = (await emulator.SendAsync(HttpMethod.Get, "/v3/users/me")).Body!["data"]!["wallet"]!["remaining_balance"]!.GetValue<double>();
        Assert.Equal(1000 - (0.1 * 20), balance, 6);
    }

    [Fact]
    public async Task VideoUrl_AfterLifetime_Returns403AndFreshGetWorks()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.DownloadUrlLifetime = TimeSpan.FromHours(1));
        var id = await emulator.CreateAvatarVideoAsync();
        var url = (await emulator.SendAsync(HttpMethod.Get, $"/v3/videos/{id}")).Body!["data"]!["video_url"]!.GetValue<string>();
        emulator.Time.Advance(TimeSpan.FromHours(2));
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(url)).StatusCode);
        var fresh = (await emulator.SendAsync(HttpMethod.Get, $"/v3/videos/{id}")).Body!["data"]!["video_url"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(fresh)).StatusCode);
    }

    [Fact]
    public async Task ListVideos_WithLimit_PagesWithNextToken()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.MaxConcurrentJobs = 100);
        for (var i = 0; i < 12; i++)
        {
            await emulator.CreateAvatarVideoAsync();
        }

        var first = (await emulator.SendAsync(HttpMethod.Get, "/v3/videos")).Body!;
        Assert.Equal(10, first["data"]!.AsArray().Count);
        Assert.True(first["has_more"]!.GetValue<bool>());
        var second = (await emulator.SendAsync(HttpMethod.Get, $"/v3/videos?token={Uri.EscapeDataString(first["next_token"]!.GetValue<string>())}")).Body!;
        Assert.Equal(2, second["data"]!.AsArray().Count);
        Assert.False(second["has_more"]!.GetValue<bool>());
        var (tooMany, body) = await emulator.SendAsync(HttpMethod.Get, "/v3/videos?limit=101");
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Equal("limit", body!["error"]!["param"]!.GetValue<string>());
    }

    [Fact]
    public async Task CreateVideo_BeyondConcurrencyLimit_Returns429WithRetryAfter()
    {
        await using var emulator = await TestEmulator.StartAsync(o =>
        {
            o.RenderDuration = TimeSpan.FromMinutes(2);
            o.MaxConcurrentJobs = 2;
        });
        await emulator.CreateAvatarVideoAsync();
        await emulator.CreateAvatarVideoAsync();
        var (response, body) = await emulator.SendAsync(HttpMethod.Post, "/v3/videos", new JsonObject { ["type"] = "avatar", ["avatar_id"] = "look_emulator_anna_office", ["script"] = "Third" });
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal("rate_limit_exceeded", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromSeconds(120), response.Headers.RetryAfter!.Delta);
        emulator.Time.Advance(TimeSpan.FromMinutes(2));
        await emulator.CreateAvatarVideoAsync();
    }

    [Fact]
    public async Task Requests_BeyondRateLimit_Return429UntilWindowPasses()
    {
        await using var emulator = await TestEmulator.StartAsync(o => o.RateLimitPerMinute = 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await emulator.SendAsync(HttpMethod.Get, "/v3/voices")).Response.StatusCode);
        }

        var (limited, _) = await emulator.SendAsync(HttpMethod.Get, "/v3/voices");
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
        emulator.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await emulator.SendAsync(HttpMethod.Get, "/v3/voices")).Response.StatusCode);
    }

    [Fact]
    public async Task IdempotencyKey_SameBody_ReplaysAndDifferentBodyConflicts()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var body = """{"type":"avatar","avatar_id":"look_emulator_anna_office","script":"Once only"}""";
        void Key(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", "k-1");
        var (_, first) = await emulator.SendAsync(HttpMethod.Post, "/v3/videos", body, Key);
        var (replay, second) = await emulator.SendAsync(HttpMethod.Post, "/v3/videos", body, Key);
        Assert.Equal(first!["data"]!["video_id"]!.GetValue<string>(), second!["data"]!["video_id"]!.GetValue<string>());
        Assert.Single(emulator.Host.State.Jobs);
        Assert.True(replay.Headers.Contains("Idempotent-Replayed"));
        var (conflict, error) = await emulator.SendAsync(HttpMethod.Post, "/v3/videos", body.Replace("Once", "Twice", StringComparison.Ordinal), Key);
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("conflict", error!["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task IdempotencyKey_WhileFirstInFlight_Returns409RequestInProgress()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.Latency, Delay = TimeSpan.FromSeconds(30), Count = 1 });
        var body = """{"type":"avatar","avatar_id":"look_emulator_anna_office","script":"Slow"}""";
        void Key(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", "k-2");
        var slow = emulator.SendAsync(HttpMethod.Post, "/v3/videos", body, Key);
        while (emulator.Time.ActiveTimers == 0)
        {
            await Task.Yield();
        }

        var (busy, error) = await emulator.SendAsync(HttpMethod.Post, "/v3/videos", body, Key);
        Assert.Equal(HttpStatusCode.Conflict, busy.StatusCode);
        Assert.Equal("request_in_progress", error!["error"]!["code"]!.GetValue<string>());
        emulator.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await slow).Response.StatusCode);
    }

    [Fact]
    public async Task LatencyFault_Until_HoldsTheRequestUntilTheTaskEnds()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.Latency, PathPrefix = "/v3/voices", Until = gate.Task, Count = 1 });
        var held = emulator.SendAsync(HttpMethod.Get, "/v3/voices");
        while (emulator.Host.Faults.Rules.Single().Fired == 0)
        {
            await Task.Yield();
        }

        // Another route is not held, and neither is emulator time what the held one waits on.
        Assert.Equal(HttpStatusCode.OK, (await emulator.SendAsync(HttpMethod.Get, "/v3/avatars")).Response.StatusCode);
        emulator.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.False(held.IsCompleted);

        gate.SetResult();
        Assert.Equal(HttpStatusCode.OK, (await held).Response.StatusCode);
    }

    [Theory]
    [InlineData(500, "internal_error")]
    [InlineData(502, "bad_gateway")]
    [InlineData(504, "gateway_timeout")]
    public async Task ServerErrorFault_Once_ThenRecovers(int status, string code)
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.ServerError, StatusCode = status, Count = 1, PathPrefix = "/v3/voices" });
        var (failed, body) = await emulator.SendAsync(HttpMethod.Get, "/v3/voices");
        Assert.Equal(status, (int)failed.StatusCode);
        Assert.Equal(code, body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await emulator.SendAsync(HttpMethod.Get, "/v3/voices")).Response.StatusCode);
    }

    [Fact]
    public async Task RateLimitFault_Returns429WithConfiguredRetryAfter()
    {
        await using var emulator = await TestEmulator.StartAsync();
        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.RateLimit, RetryAfterSeconds = 7, Count = 1 });
        var (response, _) = await emulator.SendAsync(HttpMethod.Get, "/v3/voices");
        Assert.Equal((HttpStatusCode)429, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
    }

    [Fact]
    public async Task ProbabilisticFaults_SameSeed_SameSequence()
    {
        async Task<string> RunAsync()
        {
            await using var emulator = await TestEmulator.StartAsync(o => o.FaultSeed = 42);
            emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.ServerError, Probability = 0.5 });
            var pattern = new StringBuilder();
            for (var i = 0; i < 20; i++)
            {
                pattern.Append((int)(await emulator.SendAsync(HttpMethod.Get, "/v3/voices")).Response.StatusCode == 500 ? 'x' : '.');
            }

            return pattern.ToString();
        }

        var first = await RunAsync();
        Assert.Contains('x', first);
        Assert.Contains('.', first);
        Assert.Equal(first, await RunAsync());
    }

    [Fact]
    public async Task TruncatedAndExpiredDownloadFaults_AreObserved()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var id = await emulator.CreateAvatarVideoAsync();
        var url = (await emulator.SendAsync(HttpMethod.Get, $"/v3/videos/{id}")).Body!["data"]!["video_url"]!.GetValue<string>();
        using var client = new HttpClient();
        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.ExpiredDownload, Count = 1 });
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync(url)).StatusCode);
        emulator.Host.Faults.Add(new FaultRule { Kind = FaultKind.TruncatedDownload, Count = 1 });
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => client.GetByteArrayAsync(url));
        Assert.True((await client.GetByteArrayAsync(url)).Length > 1000);
    }

    internal static async Task<JsonNode?> UploadMultipartAsync(TestEmulator emulator, string name, byte[] bytes)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", name } };
        var response = await emulator.Http.PostAsync("/v3/assets", form);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }

    internal static async Task<(int Code, string Output, string Error)> RunAsync(string file, string arguments, string? stdin = null)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
        })!;
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
