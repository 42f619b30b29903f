using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HeyGen.Client;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>Limits of webhook intake (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookIntakeOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Webhooks";

    /// <summary>Bodies above this are answered 413 before any HMAC is computed.</summary>
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How far <c>Heygen-Timestamp</c> may be from now, either way.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The time the handler allows itself; HeyGen waits 10 s for an answer.</summary>
    public TimeSpan ProcessingBudget { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>
    /// True when this process dispatches what it journals (<c>serve</c>, <c>render</c>: a <see cref="WebhookJournalPump"/>
    /// runs); false in the Functions app, whose queue trigger dispatches.
    /// </summary>
    public bool LocalDispatch { get; set; }

    /// <summary>
    /// A folder on the local disk for the webhook journal (<see cref="FileJournalStore"/>): deliveries are acknowledged
    /// once on this disk, without a storage round trip. <c>serve</c> and <c>render</c> set it beside their embedded
    /// Azurite's data. When empty, the journal is the storage queue (<see cref="QueueJournalStore"/>): always in the
    /// Functions app, and the choice for several <c>serve</c> processes sharing one storage account.
    /// </summary>
    public string? JournalFolder { get; set; }

    /// <summary>How long a journal message stays invisible while being dispatched; after a crash it comes back this late.</summary>
    public TimeSpan RedeliveryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often the local pump looks for journal messages that came back (idle cost: one queue read).</summary>
    public TimeSpan JournalPollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Deliveries dispatched at once by a process. Dispatch shares the storage account with the journal writes HeyGen
    /// waits for, so it is kept narrow: a burst is answered at once and delivered into the renders just after.
    /// </summary>
    public int DispatchConcurrency { get; set; } = 8;

    /// <summary>
    /// The longest the local pump holds back dispatch while deliveries keep arriving, so a burst is answered first and
    /// delivered into the renders just after (its CPU and storage work would otherwise slow the answers). Zero: never.
    /// </summary>
    public TimeSpan DispatchYield { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries of one journal message before it goes to the poison queue (the queue trigger's default is 5).</summary>
    public int MaxDispatchAttempts { get; set; } = 5;

    /// <summary>Event ids remembered in memory to answer a repeated delivery as a duplicate without journaling it.</summary>
    public int RecentEventIds { get; set; } = 10_000;
}

/// <summary>
/// Receives HeyGen's webhook deliveries, independent of any host: size check (413) → signature and timestamp
/// check with the current and previous secret (401) → shape and id checks (400) → the <see cref="WebhookJournal"/>,
/// and only then 200 <c>received</c>: the event is safe once journaled. Routing and delivery into the render are the
/// <see cref="WebhookDispatcher"/>'s, from the journal, so the answer costs no storage round trip of its own (a
/// burst shares one journal write) and does not wait on the engine. A delivery this process journaled lately is
/// answered <c>duplicate</c>; a journal that cannot be written answers 503, and HeyGen retries.
/// </summary>
public sealed partial class WebhookIntake
{
    /// <summary>The route the hosts map.</summary>
    public const string Route = "/api/webhooks/heygen";

    private readonly ISecretProvider _secrets;
    private readonly WebhookJournal _journal;
    private readonly RecentEventIds _recent;
    private readonly TimeProvider _time;
    private readonly WebhookIntakeOptions _options;
    private readonly ILogger<WebhookIntake> _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="secrets">The webhook signing secrets.</param>
    /// <param name="journal">Where verified deliveries are written before they are acknowledged.</param>
    /// <param name="recent">Event ids journaled lately by this process.</param>
    /// <param name="time">The clock (timestamps, budget).</param>
    /// <param name="options">Limits.</param>
    /// <param name="logger">Logs (never a signature or secret).</param>
    public WebhookIntake(
        ISecretProvider secrets,
        WebhookJournal journal,
        RecentEventIds recent,
        TimeProvider time,
        IOptions<WebhookIntakeOptions> options,
        ILogger<WebhookIntake> logger)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(recent);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _secrets = secrets;
        _journal = journal;
        _recent = recent;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Handles one delivery.</summary>
    /// <param name="body">The raw request body, unread.</param>
    /// <param name="headers">The request headers (names case-insensitive; a repeated signature header is rejected).</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    /// <returns>The answer: 200 when received (journaled) or a duplicate; 401, 413, 400 when rejected; 503 when HeyGen should retry.</returns>
    public async Task<ApiResponse> HandleAsync(Stream body, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(headers);

        // A span in the delivery's own trace, linked to the render's when it is routed to one (the signature is never a tag).
        using var span = PipelineTelemetry.Source.StartActivity("webhook receive", ActivityKind.Internal);
        var response = await HandleCoreAsync(body, headers, cancellationToken).ConfigureAwait(false);
        var outcome = OutcomeOf(response);
        span?.SetTag("heygen_render.webhook.outcome", outcome);
        span?.SetTag("http.response.status_code", response.StatusCode);
        if (response.StatusCode >= 400)
        {
            span?.SetStatus(ActivityStatusCode.Error, outcome);
        }

        PipelineTelemetry.Webhooks.Add(1, new KeyValuePair<string, object?>("heygen_render.webhook.outcome", outcome));
        return response;
    }

    // The answer in one word: the error code, or what was done (accepted, duplicate, unknown_render, …).
    private static string OutcomeOf(ApiResponse response) =>
        response.Outcome ?? response.StatusCode.ToString(CultureInfo.InvariantCulture);

    private async Task<ApiResponse> HandleCoreAsync(Stream body, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, CancellationToken cancellationToken)
    {
        var headerList = headers.ToList();

        // Size first: no HMAC over a body we will not accept.
        var declared = Header(headerList, "Content-Length");
        if (declared is not null && long.TryParse(declared, NumberStyles.None, CultureInfo.InvariantCulture, out var length) && length > _options.MaxBodyBytes)
        {
            return TooLarge();
        }

        using var budget = new CancellationTokenSource(_options.ProcessingBudget, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        var token = linked.Token;
        try
        {
            var raw = await RenderApi.ReadLimitedAsync(body, _options.MaxBodyBytes, token).ConfigureAwait(false);
            if (raw is null)
            {
                return TooLarge();
            }

            var verified = await VerifyAsync(raw, headerList, token).ConfigureAwait(false);
            if (!verified.IsValid)
            {
                Log.Rejected(_logger, verified.Failure, verified.Message);
                return verified.Failure switch
                {
                    WebhookVerificationFailure.BodyTooLarge => TooLarge(),
                    WebhookVerificationFailure.MalformedBody => ApiResponse.Error(400, "malformed_body", verified.Message),
                    WebhookVerificationFailure.EventIdMismatch => ApiResponse.Error(400, "event_id_mismatch", verified.Message),
                    _ => ApiResponse.Error(401, "invalid_signature", "The webhook could not be verified."),
                };
            }

            // Signed, but event_data may still not have the documented shape (a number where HeyGen sends a string):
            // that is a malformed body, answered as one, not an error of ours.
            WebhookNotification notification;
            try
            {
                notification = ToNotification(verified.Event!);
            }
            catch (JsonException ex)
            {
                Log.Rejected(_logger, WebhookVerificationFailure.MalformedBody, ex.Message);
                return ApiResponse.Error(400, "malformed_body", $"event_data does not have the shape of a {verified.Event!.EventType.Value} event: {ex.Message}");
            }

            // The ids name blobs and instances: HeyGen's are short ASCII, and anything else is refused before it is used.
            if (IdProblem(("event_id", verified.Event!.EventId), ("heygen id", notification.HeyGenId), ("event_data.video_id", notification.VideoId), ("event_data.callback_id", verified.Event.CallbackId)) is { } problem)
            {
                Log.Rejected(_logger, WebhookVerificationFailure.MalformedBody, problem);
                return ApiResponse.Error(400, "malformed_body", problem);
            }

            return await JournalAsync(verified.Event!, notification, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (budget.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.OverBudget(_logger, _options.ProcessingBudget);
            return Retry("over_budget");
        }
    }

    private async Task<WebhookVerificationResult> VerifyAsync(byte[] raw, List<KeyValuePair<string, IEnumerable<string>>> headers, CancellationToken cancellationToken)
    {
        var result = await VerifyWithCurrentSecretsAsync(raw, headers, cancellationToken).ConfigureAwait(false);

        // A mismatch may mean the secret was rotated under us: reload (rate-limited) and try once more.
        if (result.Failure == WebhookVerificationFailure.SignatureMismatch
            && await _secrets.TryRefreshAsync(cancellationToken).ConfigureAwait(false))
        {
            result = await VerifyWithCurrentSecretsAsync(raw, headers, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<WebhookVerificationResult> VerifyWithCurrentSecretsAsync(byte[] raw, List<KeyValuePair<string, IEnumerable<string>>> headers, CancellationToken cancellationToken)
    {
        var current = await _secrets.GetSecretAsync(SecretNames.WebhookSecret, cancellationToken).ConfigureAwait(false);
        var previous = await _secrets.GetSecretAsync(SecretNames.WebhookSecretPrevious, cancellationToken).ConfigureAwait(false);
        string[] secrets = [.. new[] { current, previous }.OfType<string>()];
        if (secrets.Length == 0)
        {
            throw new InvalidOperationException($"No webhook signing secret is configured (Key Vault secret '{SecretNames.WebhookSecret}' or setting '{SecretsOptions.WebhookSecretKey}').");
        }

        var verifier = new WebhookVerifier(secrets, new WebhookVerifierOptions
        {
            Tolerance = _options.TimestampTolerance,
            TimeProvider = _time,
            MaxBodyBytes = _options.MaxBodyBytes,
        });
        return verifier.Verify(raw, headers);
    }

    private async Task<ApiResponse> JournalAsync(WebhookEvent e, WebhookNotification notification, CancellationToken cancellationToken)
    {
        var eventId = notification.EventId;
        if (eventId.Length == 0)
        {
            Log.NoEventId(_logger, e.EventType.Value);
        }
        else if (!_recent.TryAdd(eventId))
        {
            Log.Duplicate(_logger, eventId, e.EventType.Value);
            return Ok("duplicate");
        }

        try
        {
            await _journal.AppendAsync(new WebhookEntry { Notification = notification, CallbackId = e.CallbackId, ReceivedAt = _time.GetUtcNow(), TraceParent = Activity.Current?.Id }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is Azure.RequestFailedException or IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            // Not known to be stored (the queue refused it, the disk is full or gone): HeyGen's retry must be taken (if the write did land, the dispatcher drops the copy).
            if (eventId.Length > 0)
            {
                _recent.Remove(eventId);
            }

            if (ex is OperationCanceledException)
            {
                throw;
            }

            return Retry("unavailable");
        }

        return Ok("received");
    }

    /// <summary>The longest id (event, HeyGen job, callback) accepted in a webhook.</summary>
    public const int MaxIdLength = 128;

    private static string? IdProblem(params (string Field, string? Value)[] ids)
    {
        foreach (var (field, value) in ids)
        {
            if (value is not null && (value.Length > MaxIdLength || value.Any(c => c is < '!' or > '~')))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{field} must be at most {MaxIdLength} printable ASCII characters without spaces (got {Math.Min(value.Length, 100_000):N0} characters).");
            }
        }

        return null;
    }

    /// <summary>Reduces a verified event to what the workflow needs.</summary>
    /// <param name="e">The event.</param>
    /// <returns>The notification.</returns>
    public static WebhookNotification ToNotification(WebhookEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string? heyGenId = null, videoId = null, language = null, message = null;
        if (e.AvatarVideo is { } avatar)
        {
            heyGenId = avatar.VideoId;
            videoId = avatar.VideoId;
            message = avatar.Message;
        }
        else if (e.VideoAgent is { } agent)
        {
            heyGenId = agent.SessionId ?? agent.VideoId;
            videoId = agent.VideoId;
            message = agent.Message;
        }
        else if (e.VideoTranslation is { } translation)
        {
            heyGenId = translation.VideoTranslationId;
            language = translation.OutputLanguage;
            message = translation.Message;
        }

        return new WebhookNotification
        {
            EventId = e.EventId ?? string.Empty,
            EventType = e.EventType.Value,
            HeyGenId = heyGenId,
            VideoId = videoId,
            OutputLanguage = language,
            Status = e.IsSuccess ? "completed" : e.IsFailure ? "failed" : null,
            FailureCode = e.IsFailure ? GetString(e, "failure_code") ?? GetString(e, "code") : null,
            FailureMessage = e.IsFailure ? message ?? GetString(e, "failure_message") : null,
        };
    }

    private static string? GetString(WebhookEvent e, string name) =>
        e.EventData.ValueKind == System.Text.Json.JsonValueKind.Object
        && e.EventData.TryGetProperty(name, out var value)
        && value.ValueKind == System.Text.Json.JsonValueKind.String
            ? value.GetString()
            : null;

    private static string? Header(List<KeyValuePair<string, IEnumerable<string>>> headers, string name) =>
        headers.Where(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).SelectMany(h => h.Value).FirstOrDefault();

    private ApiResponse TooLarge() =>
        ApiResponse.Error(413, "payload_too_large", string.Create(CultureInfo.InvariantCulture, $"A webhook body is at most {_options.MaxBodyBytes:N0} bytes."));

    private static ApiResponse Ok(string status) =>
        ApiResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteString("status", status);
            w.WriteEndObject();
        }) with { Outcome = status };

    private static ApiResponse Retry(string code) =>
        ApiResponse.Error(503, code, "The webhook could not be processed now; please retry.", new Dictionary<string, string> { ["Retry-After"] = "30" });

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Webhook rejected: {Failure} ({Reason})")]
        public static partial void Rejected(ILogger logger, WebhookVerificationFailure failure, string reason);

        [LoggerMessage(EventId = 2202, Level = LogLevel.Information, Message = "Webhook {EventId} ({EventType}) was received before; acknowledged")]
        public static partial void Duplicate(ILogger logger, string eventId, string eventType);

        [LoggerMessage(EventId = 2208, Level = LogLevel.Warning, Message = "Webhook {EventType} has no Heygen-Event-Id; it cannot be de-duplicated")]
        public static partial void NoEventId(ILogger logger, string eventType);

        [LoggerMessage(EventId = 2209, Level = LogLevel.Error, Message = "Webhook processing took longer than {Budget}; answered 503")]
        public static partial void OverBudget(ILogger logger, TimeSpan budget);
    }
}
