using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Xml;
using HeyGen.Client.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace HeyGen.Client.Internal;

/// <summary>
/// Sends API calls: the key header, retries on Polly.Core with the injected clock, <c>Retry-After</c>,
/// the envelope, errors as <see cref="HeyGenException"/>, and one key refresh after a 401.
/// </summary>
internal sealed class HeyGenPipeline
{
    private const int MaxErrorBodyBytes = 64 * 1024;
    private const string ApiKeyHeader = "X-Api-Key";
    private const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly ResiliencePropertyKey<bool> s_canRetry = new("heygen.can-retry");
    private static readonly ResiliencePropertyKey<bool> s_replayable = new("heygen.replayable");
    private static readonly ResiliencePropertyKey<HeyGenRoute> s_route = new("heygen.route");

    private readonly HttpClient _http;
    private readonly HeyGenClientOptions _options;
    private readonly HeyGenApiKeyProvider _keys;
    private readonly ResiliencePipeline<HttpResponseMessage> _retry;

    public HeyGenPipeline(HttpClient http, HeyGenClientOptions options, ILogger? logger)
    {
        options.Validate();
        _http = http;
        _options = options;
        _keys = options.ApiKeyProvider ?? HeyGenApiKeyProvider.FromKey(options.ApiKey!);
        Logger = logger ?? NullLogger.Instance;
        _retry = BuildRetry(options);
    }

    public ILogger Logger { get; }

    public HeyGenClientOptions Options => _options;

    public HttpClient Http => _http;

    public static bool IsRetryableStatus(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    /// <summary>Sends a JSON call and returns <c>data</c> as <typeparamref name="T"/>.</summary>
    public async Task<T> SendAsync<T>(HeyGenRoute route, string path, Func<HttpContent?>? body, JsonTypeInfo<T> typeInfo, CallOptions call, CancellationToken cancellationToken)
    {
        using var timeout = CreateTimeout(cancellationToken);
        try
        {
            using var response = await SendWithRetriesAsync(route, path, body ?? NoBody, call, timeout.Token).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var document = await JsonDocument.ParseAsync(stream, default, timeout.Token).ConfigureAwait(false);
                var data = GetData(document, route);
                return data.Deserialize(typeInfo) ?? throw Malformed(route, response, "data was null");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HeyGenException(0, null, $"HeyGen {route} did not finish within {_options.RequestTimeout}.", innerException: new TimeoutException());
        }
        catch (JsonException ex)
        {
            throw new HeyGenException(0, null, $"HeyGen {route} returned a body that is not the expected JSON: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Sends a list call and returns one page.</summary>
    public async Task<HeyGenPage<T>> SendPageAsync<T>(HeyGenRoute route, string path, JsonTypeInfo<List<T>> typeInfo, CancellationToken cancellationToken)
    {
        using var timeout = CreateTimeout(cancellationToken);
        try
        {
            using var response = await SendWithRetriesAsync(route, path, NoBody, CallOptions.Read, timeout.Token).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                using var document = await JsonDocument.ParseAsync(stream, default, timeout.Token).ConfigureAwait(false);
                var items = GetData(document, route).Deserialize(typeInfo) ?? [];
                var root = document.RootElement;
                var hasMore = root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True;
                var next = root.TryGetProperty("next_token", out var token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
                return new HeyGenPage<T>(items, hasMore, next);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new HeyGenException(0, null, $"HeyGen {route} did not finish within {_options.RequestTimeout}.", innerException: new TimeoutException());
        }
        catch (JsonException ex)
        {
            throw new HeyGenException(0, null, $"HeyGen {route} returned a body that is not the expected JSON: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>Walks pages over <c>next_token</c>, stopping when HeyGen says there are no more.</summary>
    public static async IAsyncEnumerable<T> PaginateAsync<T>(Func<string?, CancellationToken, Task<HeyGenPage<T>>> getPage, string? firstToken, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var token = firstToken;
        while (true)
        {
            var page = await getPage(token, cancellationToken).ConfigureAwait(false);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            // A missing or repeated cursor would loop forever: treat it as the end.
            if (!page.HasMore || string.IsNullOrEmpty(page.NextToken) || page.NextToken == token)
            {
                yield break;
            }

            token = page.NextToken;
        }
    }

    /// <summary>A request body with no content.</summary>
    public static Func<HttpContent?> NoBody { get; } = static () => null;

    /// <summary>A JSON body, serialized once; each attempt gets its own content instance.</summary>
    public static Func<HttpContent?> Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
        return () =>
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            return content;
        };
    }

    /// <summary>Sends with auth, retries and the one-time key refresh; throws <see cref="HeyGenException"/> on failure.</summary>
    public async Task<HttpResponseMessage> SendWithRetriesAsync(HeyGenRoute route, string path, Func<HttpContent?> content, CallOptions call, CancellationToken cancellationToken)
    {
        // One client span per call, retries included (semantic conventions: http.request.method, url.template, server.address).
        using var span = HeyGenTelemetry.Source.StartActivity($"HeyGen {route.Method} {route.Template}", ActivityKind.Client);
        span?.SetTag("http.request.method", route.Method);
        span?.SetTag("url.template", route.Template);
        span?.SetTag("server.address", _options.Endpoint.Host);
        var started = Stopwatch.GetTimestamp();
        var status = 0;
        try
        {
            var response = await SendWithKeyRefreshAsync(route, path, content, call, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            return response;
        }
        catch (HeyGenException ex)
        {
            status = ex.Status;
            span?.SetStatus(ActivityStatusCode.Error, ex.ErrorCode?.Value ?? ex.GetType().Name);
            span?.SetTag("error.type", ex.ErrorCode?.Value ?? (ex.Status > 0 ? ex.Status.ToString(CultureInfo.InvariantCulture) : ex.InnerException?.GetType().FullName ?? ex.GetType().FullName));
            span?.SetTag("heygen.error_code", ex.ErrorCode?.Value);
            throw;
        }
        finally
        {
            if (status > 0)
            {
                span?.SetTag("http.response.status_code", status);
            }

            if (status == 429)
            {
                HeyGenTelemetry.Throttled.Add(1, new KeyValuePair<string, object?>("url.template", route.Template));
            }

            HeyGenTelemetry.RequestDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new("http.request.method", route.Method), new("url.template", route.Template), new("http.response.status_code", status));
        }
    }

    private async Task<HttpResponseMessage> SendWithKeyRefreshAsync(HeyGenRoute route, string path, Func<HttpContent?> content, CallOptions call, CancellationToken cancellationToken)
    {
        var canRetry = call.Replayable && (call.Idempotent || call.IdempotencyKey is not null || IsSafeMethod(route.Method));
        var key = await _keys.GetApiKeyAsync(cancellationToken).ConfigureAwait(false);
        var response = await SendOnceWithRetriesAsync(route, path, content, call, key, canRetry, cancellationToken).ConfigureAwait(false);

        if (response.StatusCode == HttpStatusCode.Unauthorized && call.Replayable)
        {
            Log.KeyRejected(Logger, route.Method, route.Template);
            await _keys.OnKeyRejectedAsync(key, cancellationToken).ConfigureAwait(false);
            var fresh = await _keys.GetApiKeyAsync(cancellationToken).ConfigureAwait(false);
            if (!string.Equals(fresh, key, StringComparison.Ordinal))
            {
                response.Dispose();
                response = await SendOnceWithRetriesAsync(route, path, content, call, fresh, canRetry, cancellationToken).ConfigureAwait(false);
            }
        }

        Log.Response(Logger, route.Method, route.Template, (int)response.StatusCode);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ToExceptionAsync(route, response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The <c>Retry-After</c> of a response as a delay from now, if any.</summary>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var header = response.Headers.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - timeProvider.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    // A 404 answers a question ("is this asset still there?") that the caller asked and handles: not a warning.
    private void LogFailure(HeyGenRoute route, int status, string? errorCode)
    {
        if (status == 404)
        {
            Log.NotFound(Logger, route.Method, route.Template, errorCode);
        }
        else
        {
            Log.Failed(Logger, route.Method, route.Template, status, errorCode);
        }
    }

    /// <summary>Builds the exception for an error response from the error envelope.</summary>
    public async Task<HeyGenException> ToExceptionAsync(HeyGenRoute route, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var requestId = response.Headers.TryGetValues("X-Request-Id", out var ids) ? ids.FirstOrDefault() : null;
        var retryAfter = GetRetryAfter(response, _options.TimeProvider);
        var message = error?.Message is { Length: > 0 } m
            ? string.Create(CultureInfo.InvariantCulture, $"HeyGen {route} failed with {status} {error.Code}: {m}")
            : string.Create(CultureInfo.InvariantCulture, $"HeyGen {route} failed with {status} {response.ReasonPhrase}.");
        LogFailure(route, status, error?.Code);
        HeyGenErrorCode? code = error?.Code is { Length: > 0 } c ? new HeyGenErrorCode(c) : default(HeyGenErrorCode?);
        return new HeyGenException(status, code, message, error?.Param, error?.DocUrl, requestId, retryAfter);
    }

    /// <summary>
    /// Builds the exception for an error answer from the storage behind a presigned URL: S3-style XML
    /// (<c>&lt;Error&gt;&lt;Code&gt;…&lt;/Code&gt;&lt;Message&gt;…&lt;/Message&gt;&lt;/Error&gt;</c>), else HeyGen's JSON envelope.
    /// </summary>
    public async Task<HeyGenException> ToStorageExceptionAsync(HeyGenRoute route, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var error = await ReadStorageErrorAsync(response, cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            return await ToExceptionAsync(route, response, cancellationToken).ConfigureAwait(false);
        }

        var status = (int)response.StatusCode;
        var requestId = response.Headers.TryGetValues("x-amz-request-id", out var ids) ? ids.FirstOrDefault() : null;
        var message = string.Create(CultureInfo.InvariantCulture, $"HeyGen {route} failed with {status} {error.Value.Code}: {error.Value.Message ?? response.ReasonPhrase}");
        LogFailure(route, status, error.Value.Code);
        return new HeyGenException(status, new HeyGenErrorCode(error.Value.Code), message, requestId: requestId, retryAfter: GetRetryAfter(response, _options.TimeProvider));
    }

    /// <summary>The <c>Code</c> and <c>Message</c> of an S3-style XML error body, or null when the body is not one.</summary>
    internal static async Task<(string Code, string? Message)?> ReadStorageErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var start = bytes.AsSpan().IndexOfAnyExcept(" \t\r\n\uFEFF"u8);
            if (start < 0 || bytes[start] != (byte)'<')
            {
                return null;
            }

            // No DTDs and no resolver: the body comes from storage, not from us.
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true };
            using var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), settings);
            if (reader.MoveToContent() != XmlNodeType.Element || reader.LocalName != "Error")
            {
                return null;
            }

            string? code = null;
            string? message = null;
            reader.Read();
            while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == 0))
            {
                // ReadElementContentAsString moves past the element itself, so only the other nodes need a Read.
                if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1 && reader.LocalName == "Code")
                {
                    code = reader.ReadElementContentAsString().Trim();
                }
                else if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1 && reader.LocalName == "Message")
                {
                    message = reader.ReadElementContentAsString().Trim();
                }
                else if (reader.NodeType == XmlNodeType.Element && reader.Depth == 1)
                {
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                }
            }

            return string.IsNullOrEmpty(code) ? null : (code, string.IsNullOrEmpty(message) ? null : message);
        }
        catch (Exception ex) when (ex is XmlException or HttpRequestException or InvalidOperationException)
        {
            return null;
        }
    }

    internal static async Task<WireError?> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            // Buffered so the retry predicate and the exception can both read it; error bodies are small.
            await response.Content.LoadIntoBufferAsync(MaxErrorBodyBytes, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (bytes.Length == 0)
            {
                return null;
            }

            using var document = JsonDocument.Parse(bytes);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                ? error.Deserialize(HeyGenJsonContext.Default.WireError)
                : null;
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsSafeMethod(string method) => method is "GET" or "HEAD" or "PUT" or "DELETE" or "OPTIONS";

    private static JsonElement GetData(JsonDocument document, HeyGenRoute route)
    {
        if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("data", out var data))
        {
            return data;
        }

        throw new HeyGenException(0, null, $"HeyGen {route} returned a body without the data envelope.");
    }

    private static HeyGenException Malformed(HeyGenRoute route, HttpResponseMessage response, string why) =>
        new((int)response.StatusCode, null, $"HeyGen {route} returned an unexpected body: {why}.");

    private CallTimeout CreateTimeout(CancellationToken cancellationToken) => new(cancellationToken, _options.RequestTimeout, _options.TimeProvider);

    private async Task<HttpResponseMessage> SendOnceWithRetriesAsync(HeyGenRoute route, string path, Func<HttpContent?> content, CallOptions call, string apiKey, bool canRetry, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(s_canRetry, canRetry);
        context.Properties.Set(s_replayable, call.Replayable);
        context.Properties.Set(s_route, route);
        try
        {
            return await _retry.ExecuteAsync(
                async (ctx, state) =>
                {
                    using var request = new HttpRequestMessage(new HttpMethod(route.Method), new Uri(_options.Endpoint, path));
                    request.Headers.TryAddWithoutValidation(ApiKeyHeader, state.apiKey);
                    request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                    request.Headers.TryAddWithoutValidation("User-Agent", _options.UserAgent);
                    if (state.call.IdempotencyKey is { } idempotencyKey)
                    {
                        request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
                    }

                    request.Content = state.content();
                    return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (apiKey, call, content)).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new HeyGenException(0, null, $"HeyGen {route} could not be reached: {ex.Message}", innerException: ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>A retry on the current call's span (an event with the delay, the resend count) and in the metrics.</summary>
    internal static void RecordRetry(HeyGenRoute route, int attempt, TimeSpan delay, string reason, bool throttled)
    {
        if (Activity.Current is { } span && span.Source == HeyGenTelemetry.Source)
        {
            span.SetTag("http.request.resend_count", attempt);
            span.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
            {
                ["heygen.retry.attempt"] = attempt,
                ["heygen.retry.delay_ms"] = delay.TotalMilliseconds,
                ["heygen.retry.reason"] = reason,
            }));
        }

        HeyGenTelemetry.Retries.Add(1, new("url.template", route.Template), new("heygen.retry.reason", reason));
        if (throttled)
        {
            HeyGenTelemetry.Throttled.Add(1, new KeyValuePair<string, object?>("url.template", route.Template));
        }
    }

    private ResiliencePipeline<HttpResponseMessage> BuildRetry(HeyGenClientOptions options)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider };
        if (options.MaxRetries == 0)
        {
            return builder.Build();
        }

        return builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Constant,
            Delay = TimeSpan.Zero,
            UseJitter = false,
            ShouldHandle = ShouldRetryAsync,
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(
                (args.Outcome.Result is { } r ? GetRetryAfter(r, options.TimeProvider) : null) ?? Backoff(args.AttemptNumber)),
            OnRetry = args =>
            {
                var route = args.Context.Properties.GetValue(s_route, HeyGenRoutes.GetVideo);
                var reason = args.Outcome.Result is { } result
                    ? ((int)result.StatusCode).ToString(CultureInfo.InvariantCulture)
                    : args.Outcome.Exception?.GetType().Name ?? "failure";
                Log.Retrying(Logger, route.Method, route.Template, args.AttemptNumber + 1, args.RetryDelay, reason);
                RecordRetry(route, args.AttemptNumber + 1, args.RetryDelay, reason, args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests);
                args.Outcome.Result?.Dispose();
                return default;
            },
        }).Build();
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponential = _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30));
        var capped = Math.Min(exponential, _options.RetryMaxDelay.TotalMilliseconds);
        if (_options.RetryJitter)
        {
            // Half fixed, half random: keeps a floor while spreading clients apart.
            capped = (capped / 2) + (Random.Shared.NextDouble() * capped / 2);
        }

        return TimeSpan.FromMilliseconds(capped);
    }

    private async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        // A 429 is a refusal: HeyGen did nothing, so any request whose body can be sent again may be,
        // a create without an Idempotency-Key included (HeyGen's own CLI does the same).
        if (args.Outcome.Result is { StatusCode: HttpStatusCode.TooManyRequests } refused && args.Context.Properties.GetValue(s_replayable, false))
        {
            return GetRetryAfter(refused, _options.TimeProvider) is not { } wait || wait <= _options.MaxRetryAfter;
        }

        if (!args.Context.Properties.GetValue(s_canRetry, false))
        {
            return false;
        }

        if (args.Outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or IOException && !args.Context.CancellationToken.IsCancellationRequested;
        }

        var response = args.Outcome.Result!;
        if (GetRetryAfter(response, _options.TimeProvider) is { } retryAfter && retryAfter > _options.MaxRetryAfter)
        {
            // Too long to sleep in-process: surface it so the caller can wait durably.
            return false;
        }

        if (IsRetryableStatus(response.StatusCode))
        {
            return true;
        }

        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var error = await ReadErrorAsync(response, args.Context.CancellationToken).ConfigureAwait(false);
            return error?.Code == HeyGenErrorCode.RequestInProgress.Value;
        }

        return false;
    }
}

/// <summary>Per-call retry facts.</summary>
internal readonly record struct CallOptions(bool Idempotent, string? IdempotencyKey, bool Replayable = true)
{
    public static CallOptions Read => new(true, null);

    public static CallOptions Create(string? idempotencyKey) => new(false, ValidateKey(idempotencyKey));

    private static string? ValidateKey(string? key)
    {
        if (key is null)
        {
            return null;
        }

        if (key.Length is 0 or > 255 || key.Any(c => c < 0x21 || c > 0x7e))
        {
            throw new ArgumentException("idempotencyKey must be 1–255 printable ASCII characters without spaces.", nameof(key));
        }

        return key;
    }
}

/// <summary>Builds query strings.</summary>
internal static class Query
{
    public static string Build(string path, params ReadOnlySpan<(string Name, string? Value)> parameters)
    {
        var builder = new StringBuilder(path);
        var first = true;
        foreach (var (name, value) in parameters)
        {
            if (value is null)
            {
                continue;
            }

            builder.Append(first ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
            first = false;
        }

        return builder.ToString();
    }

    public static string? Of(int? value) => value?.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The per-call time limit on the injected clock. Disposing stops the timer before the token source, so a
/// late timer can never touch a disposed source.
/// </summary>
internal sealed class CallTimeout : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly ITimer? _timer;

    public CallTimeout(CancellationToken cancellationToken, TimeSpan timeout, TimeProvider timeProvider)
    {
        _source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout != Timeout.InfiniteTimeSpan && timeout > TimeSpan.Zero)
        {
            _timer = timeProvider.CreateTimer(static s => CancelQuietly((CancellationTokenSource)s!), _source, timeout, Timeout.InfiniteTimeSpan);
        }
    }

    public CancellationToken Token => _source.Token;

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call finished while the timer fired; nothing left to cancel.
        }
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _source.Dispose();
    }
}
