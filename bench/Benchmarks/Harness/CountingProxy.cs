using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>One request the proxy forwarded.</summary>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path and query.</param>
/// <param name="Status">The upstream's status code (0 when the upstream failed).</param>
/// <param name="StartedAt">Stopwatch time the request arrived.</param>
/// <param name="FinishedAt">Stopwatch time the response headers were returned.</param>
/// <param name="ResponseHead">The first bytes of a JSON response body (for ids), else null.</param>
internal sealed record ProxiedRequest(string Method, string Path, int Status, TimeSpan StartedAt, TimeSpan FinishedAt, string? ResponseHead);

/// <summary>
/// A loopback pass-through in front of the emulator that records every HeyGen call (method, path, status, time),
/// so API calls per video, 429s and download starts are counted the same way for every variant. Bodies stream.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private static readonly HashSet<string> s_hopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Proxy-Connection", "Host",
    };

    private readonly WebApplication _app;
    private readonly HttpClient _upstream;
    private readonly Uri _target;
    private readonly ConcurrentQueue<ProxiedRequest> _log = new();
    private readonly Stopwatch _clock;

    private CountingProxy(WebApplication app, HttpClient upstream, Uri target, Stopwatch clock)
    {
        _app = app;
        _upstream = upstream;
        _target = target;
        _clock = clock;
    }

    public Uri Address { get; private set; } = null!;

    public IReadOnlyCollection<ProxiedRequest> Requests => _log;

    /// <summary>Rewrite the upstream's own address in JSON answers to the proxy's.</summary>
    public bool RewriteUrls { get; set; }

    /// <summary>Keep the head of JSON answers in the log (false: every answer streams through untouched).</summary>
    public bool RecordResponseHead { get; set; } = true;

    public static async Task<CountingProxy> StartAsync(Uri target, Stopwatch clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var upstream = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, MaxConnectionsPerServer = 1024 })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var proxy = new CountingProxy(app, upstream, target, clock);
        app.Run(proxy.ForwardAsync);
        await app.StartAsync();
        var address = app.Urls.First();
        proxy.Address = new Uri(address.EndsWith('/') ? address : address + "/");
        return proxy;
    }

    public void Clear() => _log.Clear();

    private async Task ForwardAsync(HttpContext context)
    {
        var started = _clock.Elapsed;
        var request = context.Request;
        // The target exactly as sent: a decoded and re-encoded path could differ from what a shared-key signature covers.
        var pathAndQuery = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (request.Path + request.QueryString).ToString();
        using var outgoing = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_target, pathAndQuery.TrimStart('/')));
        if (request.ContentLength is not null || request.Headers.TransferEncoding.Count > 0)
        {
            outgoing.Content = new StreamContent(request.Body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (s_hopHeaders.Contains(name))
            {
                continue;
            }

            if (!outgoing.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values))
            {
                outgoing.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)values);
            }
        }

        HttpResponseMessage response;
        try
        {
            response = await _upstream.SendAsync(outgoing, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (HttpRequestException)
        {
            _log.Enqueue(new ProxiedRequest(request.Method, pathAndQuery, 0, started, _clock.Elapsed, null));
            context.Response.StatusCode = 502;
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!s_hopHeaders.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            var isJson = response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.OrdinalIgnoreCase) == true;
            if (isJson && RecordResponseHead)
            {
                // API answers are small: keep their head so callers can find ids without parsing twice.
                var body = await response.Content.ReadAsByteArrayAsync(context.RequestAborted);
                if (RewriteUrls)
                {
                    // Download URLs then point at the proxy too, so the moment a download starts is seen here.
                    body = System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(body)
                        .Replace(_target.AbsoluteUri.TrimEnd('/'), Address.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal));
                }

                _log.Enqueue(new ProxiedRequest(request.Method, pathAndQuery, (int)response.StatusCode, started, _clock.Elapsed, System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 2048))));
                context.Response.ContentLength = body.Length;
                await context.Response.Body.WriteAsync(body, context.RequestAborted);
                return;
            }

            _log.Enqueue(new ProxiedRequest(request.Method, pathAndQuery, (int)response.StatusCode, started, _clock.Elapsed, null));
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            await using var body2 = await response.Content.ReadAsStreamAsync(context.RequestAborted);
            await body2.CopyToAsync(context.Response.Body, 81920, context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
