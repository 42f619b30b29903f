using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HeyGen.Emulator;
using HeyGenRender.LocalAzurite;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>Azurite (on disk, as a real account would be) and the project's HeyGen emulator, both on loopback.</summary>
internal sealed class BenchEnvironment : IAsyncDisposable
{
    private BenchEnvironment(AzuriteServer azurite, EmulatorHandle emulator)
    {
        Azurite = azurite;
        Emulator = emulator;
    }

    public AzuriteServer Azurite { get; }

    public string StorageConnectionString => Azurite.ConnectionString;

    /// <summary>An emulator whose jobs complete at create: for the transfer benchmarks.</summary>
    public EmulatorHandle Emulator { get; }

    public static async Task<BenchEnvironment> StartAsync(RunOptions options, CancellationToken cancellationToken = default)
    {
        var azurite = await AzuriteServer.StartAsync(new AzuriteOptions { InstallRoot = options.RepoRoot }, cancellationToken: cancellationToken);
        try
        {
            var emulator = await EmulatorHandle.StartAsync(new EmulatorOptions { RenderDuration = TimeSpan.Zero, RateLimitPerMinute = 0 }, cancellationToken);
            return new BenchEnvironment(azurite, emulator);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}

/// <summary>A started <see cref="HeyGenEmulatorHost"/> with the few raw calls the harness itself makes.</summary>
internal sealed class EmulatorHandle : IAsyncDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };

    private EmulatorHandle(HeyGenEmulatorHost host) => Host = host;

    public HeyGenEmulatorHost Host { get; }

    /// <summary>The API base with a trailing slash, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri ApiBase => new(Host.BaseAddress.AbsoluteUri.TrimEnd('/') + "/");

    public string ApiKey => Host.ApiKey;

    public static async Task<EmulatorHandle> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default) =>
        new(await HeyGenEmulatorHost.StartAsync(options, cancellationToken: cancellationToken));

    /// <summary>Creates an avatar video whose download is a synthetic MP4 of exactly <paramref name="size"/> bytes; returns its id and video_url.</summary>
    public async Task<(string VideoId, Uri VideoUrl)> CreateVideoAsync(long size, CancellationToken cancellationToken = default)
    {
        var body = new JsonObject
        {
            ["type"] = "avatar",
            ["avatar_id"] = "look_emulator_anna_office",
            ["title"] = $"bench {size} bytes [[emulator:size:{size}]]",
            ["script"] = "A benchmark video of a known size.",
            ["voice_id"] = "voice_emulator_en_female",
        };
        var created = await SendAsync(HttpMethod.Post, "v3/videos", body, cancellationToken);
        var id = created["data"]!["video_id"]?.GetValue<string>() ?? created["data"]!["id"]!.GetValue<string>();
        for (var attempt = 0; attempt < 600; attempt++)
        {
            var video = await SendAsync(HttpMethod.Get, $"v3/videos/{id}", null, cancellationToken);
            if (video["data"]!["video_url"]?.GetValue<string>() is { } url)
            {
                return (id, new Uri(url));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException($"Video {id} did not complete.");
    }

    /// <summary>Registers <paramref name="url"/> as a webhook endpoint; returns its signing secret.</summary>
    public async Task<string> RegisterWebhookAsync(Uri url, CancellationToken cancellationToken = default)
    {
        var created = await SendAsync(HttpMethod.Post, "v3/webhooks/endpoints", new JsonObject { ["url"] = url.AbsoluteUri }, cancellationToken);
        return created["data"]!["secret"]!.GetValue<string>();
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(ApiBase, path));
        request.Headers.Add("X-Api-Key", ApiKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        }

        return JsonNode.Parse(text)!;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await Host.DisposeAsync();
    }
}
