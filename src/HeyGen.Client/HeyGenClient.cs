using HeyGen.Client.Internal;
using Microsoft.Extensions.Logging;

namespace HeyGen.Client;

/// <summary>
/// The HeyGen v3 client. Thread-safe; create one and reuse it (or register it with
/// <c>services.AddHeyGenClient(...)</c>). Operations live on the sub-clients.
/// </summary>
public class HeyGenClient : IDisposable
{
    private readonly HttpClient? _ownedHttpClient;

    /// <summary>For mocking: sub-client properties are virtual.</summary>
    protected HeyGenClient()
    {
        Assets = null!;
        Videos = null!;
        VideoAgents = null!;
        VideoTranslations = null!;
        Lipsyncs = null!;
        Webhooks = null!;
        Users = null!;
        Avatars = null!;
        Voices = null!;
    }

    /// <summary>Creates a client for a fixed API key with default options.</summary>
    /// <param name="apiKey">The HeyGen API key.</param>
    /// <exception cref="ArgumentException"><paramref name="apiKey"/> is null or blank.</exception>
    public HeyGenClient(string apiKey)
        : this(new HeyGenClientOptions { ApiKey = apiKey })
    {
    }

    /// <summary>Creates a client that owns its <see cref="HttpClient"/>.</summary>
    /// <param name="options">Endpoint, key, retry settings and clock.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the setting.</exception>
    public HeyGenClient(HeyGenClientOptions options)
        : this(CreateHttpClient(), options, loggerFactory: null)
    {
        _ownedHttpClient = HttpClientForDispose;
    }

    /// <summary>Creates a client on a caller's <see cref="HttpClient"/> (its timeout should be infinite; see <see cref="HeyGenClientOptions.RequestTimeout"/>).</summary>
    /// <param name="httpClient">The HTTP client. It must add no default headers: the upload <c>PUT</c> carries only HeyGen's headers.</param>
    /// <param name="options">Endpoint, key, retry settings and clock.</param>
    /// <param name="loggerFactory">Optional logging.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message names the setting.</exception>
    public HeyGenClient(HttpClient httpClient, HeyGenClientOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        HttpClientForDispose = httpClient;
        var pipeline = new HeyGenPipeline(httpClient, options, loggerFactory?.CreateLogger("HeyGen.Client"));
        Assets = new AssetsClient(pipeline);
        Videos = new VideosClient(pipeline);
        VideoAgents = new VideoAgentsClient(pipeline);
        VideoTranslations = new VideoTranslationsClient(pipeline);
        Lipsyncs = new LipsyncsClient(pipeline);
        Webhooks = new WebhooksClient(pipeline);
        Users = new UsersClient(pipeline);
        Avatars = new AvatarsClient(pipeline);
        Voices = new VoicesClient(pipeline);
    }

    /// <summary>Assets and the direct upload.</summary>
    public virtual AssetsClient Assets { get; }

    /// <summary>Avatar, image and cinematic-avatar videos.</summary>
    public virtual VideosClient Videos { get; }

    /// <summary>Video Agent sessions.</summary>
    public virtual VideoAgentsClient VideoAgents { get; }

    /// <summary>Video translations.</summary>
    public virtual VideoTranslationsClient VideoTranslations { get; }

    /// <summary>Lipsyncs.</summary>
    public virtual LipsyncsClient Lipsyncs { get; }

    /// <summary>Webhook endpoints and events.</summary>
    public virtual WebhooksClient Webhooks { get; }

    /// <summary>The current user.</summary>
    public virtual UsersClient Users { get; }

    /// <summary>Avatar groups and looks.</summary>
    public virtual AvatarsClient Avatars { get; }

    /// <summary>Voices.</summary>
    public virtual VoicesClient Voices { get; }

    private HttpClient? HttpClientForDispose { get; }

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes owned resources.</summary>
    /// <param name="disposing">Whether called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedHttpClient?.Dispose();
        }
    }

    private static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),

            // No trace headers: the presigned upload PUT must carry exactly HeyGen's upload_headers.
            ActivityHeadersPropagator = null,
        })
        {
            // Per-call limits come from RequestTimeout; a fixed client timeout would cut large uploads.
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
