using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HeyGenRender.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeyGen.Emulator.Tests;

/// <summary>An emulator on manual time plus an HTTP client with the API key.</summary>
internal sealed class TestEmulator : IAsyncDisposable
{
    public const string Key = "test-key";

    private TestEmulator(HeyGenEmulatorHost host, ManualTimeProvider time)
    {
        Host = host;
        Time = time;
        Http = new HttpClient { BaseAddress = host.BaseAddress };
        Http.DefaultRequestHeaders.Add("X-Api-Key", Key);
    }

    public HeyGenEmulatorHost Host { get; }

    public ManualTimeProvider Time { get; }

    public HttpClient Http { get; }

    public static async Task<TestEmulator> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { ApiKey = Key, RenderDuration = TimeSpan.Zero };
        configure?.Invoke(options);
        var time = new ManualTimeProvider();
        return new TestEmulator(await HeyGenEmulatorHost.StartAsync(options, time), time);
    }

    public async Task<(HttpResponseMessage Response, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body is string raw ? new StringContent(raw, System.Text.Encoding.UTF8, "application/json") : JsonContent.Create(body as JsonNode);
        }

        configure?.Invoke(request);
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null);
    }

    public async Task<string> CreateAvatarVideoAsync(string script = "Hello from the emulator, this is a test video.", string? callbackUrl = null, string? callbackId = null)
    {
        var body = new JsonObject { ["type"] = "avatar", ["avatar_id"] = "look_emulator_anna_office", ["script"] = script, ["voice_id"] = "voice_emulator_en_female" };
        if (callbackUrl is not null)
        {
            body["callback_url"] = callbackUrl;
        }

        if (callbackId is not null)
        {
            body["callback_id"] = callbackId;
        }

        var (response, json) = await SendAsync(HttpMethod.Post, "/v3/videos", body);
        Assert.True(response.IsSuccessStatusCode, json?.ToJsonString());
        return json!["data"]!["video_id"]!.GetValue<string>();
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>A loopback HTTP server that records every webhook POST with its raw body and answers a configurable status.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<(byte[] Body, Dictionary<string, string> Headers)> Received { get; } = new();

    public int StatusToReturn { get; set; } = 200;

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            // Kestrel reuses its header objects after the request: copy them.
            receiver.Received.Enqueue((buffer.ToArray(), context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            return Results.StatusCode(receiver.StatusToReturn);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = address.TrimEnd('/') + "/hook";
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
