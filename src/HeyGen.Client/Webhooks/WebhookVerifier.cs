using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace HeyGen.Client;

/// <summary>Settings for <see cref="WebhookVerifier"/>.</summary>
public sealed class WebhookVerifierOptions
{
    /// <summary>How far <c>Heygen-Timestamp</c> may be from now, in either direction. Default 300 s.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>The clock; tests pass a manual one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>The largest body accepted. Default 1 MiB (HeyGen events are a few KB).</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;
}

/// <summary>Why a delivery was rejected.</summary>
public enum WebhookVerificationFailure
{
    /// <summary>Not rejected.</summary>
    None = 0,

    /// <summary><c>Heygen-Signature</c> is absent or empty.</summary>
    MissingSignature,

    /// <summary><c>Heygen-Timestamp</c> is absent or empty.</summary>
    MissingTimestamp,

    /// <summary>A signature, timestamp or event-id header occurs more than once.</summary>
    DuplicateHeader,

    /// <summary>The signature is not 64 lowercase hex characters.</summary>
    MalformedSignature,

    /// <summary>The timestamp is not a whole number of Unix seconds.</summary>
    MalformedTimestamp,

    /// <summary>The timestamp is older than the tolerance.</summary>
    TimestampTooOld,

    /// <summary>The timestamp is further in the future than the tolerance.</summary>
    TimestampInFuture,

    /// <summary>No configured secret produces this signature for this body.</summary>
    SignatureMismatch,

    /// <summary>The body exceeds <see cref="WebhookVerifierOptions.MaxBodyBytes"/>.</summary>
    BodyTooLarge,

    /// <summary>The signature is valid but the body is not a webhook event.</summary>
    MalformedBody,

    /// <summary>The <c>Heygen-Event-Id</c> header names another event than the signed body's <c>event_id</c>.</summary>
    EventIdMismatch,
}

/// <summary>The outcome of <see cref="WebhookVerifier.Verify(ReadOnlySpan{byte}, string?, string?, string?)"/>.</summary>
public sealed class WebhookVerificationResult
{
    internal WebhookVerificationResult(WebhookVerificationFailure failure, string message, WebhookEvent? webhookEvent = null, DateTimeOffset? timestamp = null, int secretIndex = -1)
    {
        Failure = failure;
        Message = message;
        Event = webhookEvent;
        Timestamp = timestamp;
        SecretIndex = secretIndex;
    }

    /// <summary>Whether the delivery is authentic, fresh and parseable.</summary>
    public bool IsValid => Failure == WebhookVerificationFailure.None;

    /// <summary>Why it was rejected, or <see cref="WebhookVerificationFailure.None"/>.</summary>
    public WebhookVerificationFailure Failure { get; }

    /// <summary>A short reason, safe to log (never contains a secret or signature).</summary>
    public string Message { get; }

    /// <summary>The parsed event when valid.</summary>
    public WebhookEvent? Event { get; }

    /// <summary>The delivery time from <c>Heygen-Timestamp</c>, when it parsed.</summary>
    public DateTimeOffset? Timestamp { get; }

    /// <summary>Which configured secret matched (index into the list), or -1. Useful to see when a rotation is done.</summary>
    public int SecretIndex { get; }
}

/// <summary>
/// Verifies HeyGen webhook deliveries: <c>Heygen-Signature</c> must be the lowercase hex HMAC-SHA256 of the
/// raw body under one of the configured secrets (several during rotation; compared in constant time), and
/// <c>Heygen-Timestamp</c> (Unix seconds) must be within the tolerance of now in either direction.
/// Rules: header values are trimmed of surrounding spaces; a header given twice is rejected; uppercase hex is
/// rejected because HeyGen sends lowercase. The signature covers the body only, so de-duplicate on
/// <c>Heygen-Event-Id</c> as the main replay defence.
/// </summary>
public sealed class WebhookVerifier
{
    /// <summary>The signature header.</summary>
    public const string SignatureHeader = "Heygen-Signature";

    /// <summary>The timestamp header (Unix seconds).</summary>
    public const string TimestampHeader = "Heygen-Timestamp";

    /// <summary>The delivery id header.</summary>
    public const string EventIdHeader = "Heygen-Event-Id";

    private const int SignatureHexLength = 64;
    private const int MaxTimestampDigits = 12;

    private readonly byte[][] _secrets;
    private readonly WebhookVerifierOptions _options;

    /// <summary>Creates a verifier for one secret.</summary>
    /// <param name="secret">The endpoint's signing secret, used as UTF-8 bytes exactly as HeyGen returned it.</param>
    /// <param name="options">Tolerance, clock and body limit.</param>
    /// <exception cref="ArgumentException">The secret is null or blank.</exception>
    public WebhookVerifier(string secret, WebhookVerifierOptions? options = null)
        : this([secret], options)
    {
    }

    /// <summary>Creates a verifier that accepts any of several secrets (during rotation).</summary>
    /// <param name="secrets">The signing secrets; none may be blank.</param>
    /// <param name="options">Tolerance, clock and body limit.</param>
    /// <exception cref="ArgumentException">No secret, or a blank one, was given.</exception>
    public WebhookVerifier(IEnumerable<string> secrets, WebhookVerifierOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var list = secrets.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one webhook secret is required.", nameof(secrets));
        }

        if (list.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Webhook secrets must not be null, empty or whitespace.", nameof(secrets));
        }

        _secrets = [.. list.Select(Encoding.UTF8.GetBytes)];
        _options = options ?? new WebhookVerifierOptions();
        if (_options.Tolerance < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Tolerance must not be negative.");
        }
    }

    /// <summary>Verifies a delivery from individual header values.</summary>
    /// <param name="body">The raw request body, exactly as received.</param>
    /// <param name="signature">The <c>Heygen-Signature</c> value.</param>
    /// <param name="timestamp">The <c>Heygen-Timestamp</c> value.</param>
    /// <param name="eventId">The <c>Heygen-Event-Id</c> value.</param>
    /// <returns>The result; check <see cref="WebhookVerificationResult.IsValid"/>.</returns>
    public WebhookVerificationResult Verify(ReadOnlySpan<byte> body, string? signature, string? timestamp, string? eventId = null)
    {
        if (body.Length > _options.MaxBodyBytes)
        {
            return Fail(WebhookVerificationFailure.BodyTooLarge, $"The body exceeds {_options.MaxBodyBytes} bytes.");
        }

        var sig = signature?.Trim();
        if (string.IsNullOrEmpty(sig))
        {
            return Fail(WebhookVerificationFailure.MissingSignature, $"{SignatureHeader} is missing.");
        }

        var ts = timestamp?.Trim();
        if (string.IsNullOrEmpty(ts))
        {
            return Fail(WebhookVerificationFailure.MissingTimestamp, $"{TimestampHeader} is missing.");
        }

        Span<byte> provided = stackalloc byte[SignatureHexLength / 2];
        if (!TryDecodeLowerHex(sig, provided))
        {
            return Fail(WebhookVerificationFailure.MalformedSignature, $"{SignatureHeader} must be {SignatureHexLength} lowercase hex characters.");
        }

        if (!TryParseUnixSeconds(ts, out var sentAt))
        {
            return Fail(WebhookVerificationFailure.MalformedTimestamp, $"{TimestampHeader} must be whole Unix seconds.");
        }

        var matched = -1;
        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        for (var i = 0; i < _secrets.Length; i++)
        {
            HMACSHA256.HashData(_secrets[i], body, expected);

            // Every secret is tried even after a match, so timing does not reveal which one matched.
            if (CryptographicOperations.FixedTimeEquals(expected, provided) && matched < 0)
            {
                matched = i;
            }
        }

        if (matched < 0)
        {
            return Fail(WebhookVerificationFailure.SignatureMismatch, "The signature does not match the body under any configured secret.", sentAt);
        }

        var now = _options.TimeProvider.GetUtcNow();
        if (now - sentAt > _options.Tolerance)
        {
            return Fail(WebhookVerificationFailure.TimestampTooOld, $"{TimestampHeader} is older than {_options.Tolerance.TotalSeconds:0} s.", sentAt);
        }

        if (sentAt - now > _options.Tolerance)
        {
            return Fail(WebhookVerificationFailure.TimestampInFuture, $"{TimestampHeader} is more than {_options.Tolerance.TotalSeconds:0} s in the future.", sentAt);
        }

        WebhookEvent parsed;
        try
        {
            parsed = WebhookEvent.Parse(body, string.IsNullOrWhiteSpace(eventId) ? null : eventId.Trim());
        }
        catch (JsonException)
        {
            return Fail(WebhookVerificationFailure.MalformedBody, "The body is not a webhook event object.", sentAt);
        }

        // The header is not signed; the body's event id is. A header that disagrees with it is a tampered replay.
        if (parsed.BodyEventId is { } signedId && !string.IsNullOrWhiteSpace(eventId) && eventId.Trim() != signedId)
        {
            return Fail(WebhookVerificationFailure.EventIdMismatch, $"{EventIdHeader} does not match the signed body's event_id.", sentAt);
        }

        return new WebhookVerificationResult(WebhookVerificationFailure.None, "Verified.", parsed, sentAt, matched);
    }

    /// <summary>
    /// Verifies a delivery from a header collection (for example <c>HttpRequestMessage.Headers</c>, or ASP.NET
    /// headers projected to <c>KeyValuePair&lt;string, IEnumerable&lt;string&gt;&gt;</c>). Names match
    /// case-insensitively; a header present twice is rejected.
    /// </summary>
    /// <param name="body">The raw request body.</param>
    /// <param name="headers">The request headers.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is null.</exception>
    public WebhookVerificationResult Verify(ReadOnlySpan<byte> body, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        List<string>? signature = null, timestamp = null, eventId = null;
        foreach (var (name, values) in headers)
        {
            var target = name.Equals(SignatureHeader, StringComparison.OrdinalIgnoreCase) ? signature ??= []
                : name.Equals(TimestampHeader, StringComparison.OrdinalIgnoreCase) ? timestamp ??= []
                : name.Equals(EventIdHeader, StringComparison.OrdinalIgnoreCase) ? eventId ??= []
                : null;
            target?.AddRange(values ?? []);
        }

        if (signature?.Count > 1 || timestamp?.Count > 1 || eventId?.Count > 1)
        {
            return Fail(WebhookVerificationFailure.DuplicateHeader, "A Heygen-* header occurs more than once.");
        }

        return Verify(body, signature?.FirstOrDefault(), timestamp?.FirstOrDefault(), eventId?.FirstOrDefault());
    }

    private static WebhookVerificationResult Fail(WebhookVerificationFailure failure, string message, DateTimeOffset? timestamp = null) =>
        new(failure, message, null, timestamp);

    private static bool TryDecodeLowerHex(string hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2)
        {
            return false;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var high = LowerHexValue(hex[2 * i]);
            var low = LowerHexValue(hex[(2 * i) + 1]);
            if ((high | low) < 0)
            {
                return false;
            }

            destination[i] = (byte)((high << 4) | low);
        }

        return true;
    }

    private static int LowerHexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    private static bool TryParseUnixSeconds(string value, out DateTimeOffset time)
    {
        time = default;
        if (value.Length > MaxTimestampDigits || !value.All(char.IsAsciiDigit))
        {
            return false;
        }

        var seconds = long.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
        if (seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return false;
        }

        time = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }
}

/// <summary>Signs webhook bodies the way HeyGen does: for tests, emulators and replaying events.</summary>
public static class WebhookSigner
{
    /// <summary>The lowercase hex HMAC-SHA256 of <paramref name="body"/> under <paramref name="secret"/> (UTF-8).</summary>
    /// <param name="body">The exact body bytes.</param>
    /// <param name="secret">The signing secret.</param>
    /// <returns>The <c>Heygen-Signature</c> value.</returns>
    /// <exception cref="ArgumentException"><paramref name="secret"/> is null or empty.</exception>
    public static string ComputeSignature(ReadOnlySpan<byte> body, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        Span<byte> hash = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The three headers of a signed delivery.</summary>
    /// <param name="body">The exact body bytes.</param>
    /// <param name="secret">The signing secret.</param>
    /// <param name="timestamp">The dispatch time.</param>
    /// <param name="eventId">The delivery id.</param>
    /// <returns><c>Heygen-Signature</c>, <c>Heygen-Timestamp</c> and <c>Heygen-Event-Id</c>.</returns>
    /// <exception cref="ArgumentException">An argument is null or empty.</exception>
    public static IReadOnlyDictionary<string, string> CreateHeaders(ReadOnlySpan<byte> body, string secret, DateTimeOffset timestamp, string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [WebhookVerifier.SignatureHeader] = ComputeSignature(body, secret),
            [WebhookVerifier.TimestampHeader] = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            [WebhookVerifier.EventIdHeader] = eventId,
        };
    }
}
