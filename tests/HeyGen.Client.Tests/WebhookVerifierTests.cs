using System.Text;
using HeyGenRender.TestSupport;

namespace HeyGen.Client.Tests;

/// <summary>
/// Webhook verification. Known answers were computed outside this code base with openssl, e.g.
/// <c>printf '%s' "$BODY" | openssl dgst -sha256 -hmac 'whsec_k7x9m2testsecret'</c>.
/// Rule under test: the signature must be exactly 64 lowercase hex characters (HeyGen sends lowercase);
/// surrounding spaces are trimmed; headers may not repeat; |now - timestamp| &lt;= 300 s is accepted.
/// </summary>
public sealed class WebhookVerifierTests
{
    private const string Secret = "whsec_k7x9m2testsecret";
    private const string NewSecret = "whsec_n3w5ecr3t";

    private const string Body = """{"event_type":"avatar_video.success","event_data":{"video_id":"vid_xyz789","url":"https://files.heygen.com/video/vid_xyz789.mp4","callback_id":"render-42"}}""";

    // printf '%s' "$Body" | openssl dgst -sha256 -hmac 'whsec_k7x9m2testsecret'
    private const string BodySignature = "d9e9f22f940ebdb253440608199ccf2a7afa172a6004347b371996440ad06fbd";

    // printf '%s' "$Body" | openssl dgst -sha256 -hmac 'whsec_n3w5ecr3t'
    private const string BodySignatureNewSecret = "abe77a05f6dd812eea07df3553ad53a90cce0ce0cf646462793d2bb0d974b60c";

    // printf '%s' '{"event_type":"video_agent.fail","event_data":{"session_id":"sess_1","msg":"boom"}}' | openssl dgst -sha256 -hmac 'whsec_n3w5ecr3t'
    private const string AgentFailBody = """{"event_type":"video_agent.fail","event_data":{"session_id":"sess_1","msg":"boom"}}""";
    private const string AgentFailSignature = "e5e1e74e6a8eebab76abfdffbc5a51c8e4352b706bed03325d62c171d08d44b2";

    // printf '' | openssl dgst -sha256 -hmac 'whsec_k7x9m2testsecret'
    private const string EmptyBodySignature = "bcc6863065cfbbbaa4d7ff2b9660a790015eb17373b1b6bdd4839ea8d15e486a";

    // ManualTimeProvider starts at 2026-01-01T00:00:00Z = 1767225600 (python: datetime(2026,1,1,tzinfo=utc).timestamp()).
    private const long Now = 1767225600;

    private static readonly byte[] s_body = Encoding.UTF8.GetBytes(Body);

    private readonly ManualTimeProvider _time = new();

    public static TheoryData<string, string, string?, WebhookVerificationFailure> RejectedDeliveries => new()
    {
        { "tampered body: one character changed", Body.Replace("vid_xyz789\",\"url", "vid_xyz780\",\"url", StringComparison.Ordinal), BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "tampered body: callback id changed", Body.Replace("render-42", "render-43", StringComparison.Ordinal), BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "re-serialised JSON: spaces added", Body.Replace(",", ", ", StringComparison.Ordinal), BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "re-serialised JSON: pretty printed", Body.Replace("{", "{\n  ", StringComparison.Ordinal), BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "re-serialised JSON: keys reordered", """{"event_data":{"video_id":"vid_xyz789","url":"https://files.heygen.com/video/vid_xyz789.mp4","callback_id":"render-42"},"event_type":"avatar_video.success"}""", BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "re-serialised JSON: slash escaped", Body.Replace("/", "\\/", StringComparison.Ordinal), BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "trailing newline appended", Body + "\n", BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "body truncated", Body[..^1], BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "empty body with a body's signature", string.Empty, BodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "signature of another body", Body, AgentFailSignature, WebhookVerificationFailure.SignatureMismatch },
        { "signature of the empty body", Body, EmptyBodySignature, WebhookVerificationFailure.SignatureMismatch },
        { "one hex digit flipped", Body, BodySignature[..^1] + "c", WebhookVerificationFailure.SignatureMismatch },
        { "first hex digit flipped", Body, "e" + BodySignature[1..], WebhookVerificationFailure.SignatureMismatch },
        { "all zeros", Body, new string('0', 64), WebhookVerificationFailure.SignatureMismatch },
        { "missing signature", Body, null, WebhookVerificationFailure.MissingSignature },
        { "empty signature", Body, string.Empty, WebhookVerificationFailure.MissingSignature },
        { "whitespace signature", Body, "   ", WebhookVerificationFailure.MissingSignature },
        { "uppercase hex", Body, BodySignature.ToUpperInvariant(), WebhookVerificationFailure.MalformedSignature },
        { "mixed-case hex", Body, "D" + BodySignature[1..], WebhookVerificationFailure.MalformedSignature },
        { "odd length (63)", Body, BodySignature[..63], WebhookVerificationFailure.MalformedSignature },
        { "odd length (65)", Body, BodySignature + "0", WebhookVerificationFailure.MalformedSignature },
        { "truncated to 32", Body, BodySignature[..32], WebhookVerificationFailure.MalformedSignature },
        { "doubled", Body, BodySignature + BodySignature, WebhookVerificationFailure.MalformedSignature },
        { "non-hex character", Body, "g" + BodySignature[1..], WebhookVerificationFailure.MalformedSignature },
        { "base64 instead of hex", Body, "2eny8pQOvbJTRAYIGZzPKnr6FypgBDR7NxmWRArQb70=", WebhookVerificationFailure.MalformedSignature },
        { "scheme prefix sha256=", Body, "sha256=" + BodySignature, WebhookVerificationFailure.MalformedSignature },
        { "versioned v1=", Body, "v1=" + BodySignature, WebhookVerificationFailure.MalformedSignature },
        { "0x prefix", Body, "0x" + BodySignature[2..], WebhookVerificationFailure.MalformedSignature },
        { "two signatures comma-joined", Body, BodySignature + "," + BodySignature, WebhookVerificationFailure.MalformedSignature },
        { "inner space", Body, BodySignature[..32] + " " + BodySignature[33..], WebhookVerificationFailure.MalformedSignature },
        { "non-ASCII digit", Body, "٠" + BodySignature[1..], WebhookVerificationFailure.MalformedSignature },
    };

    [Theory]
    [MemberData(nameof(RejectedDeliveries))]
    public void Verify_BadBodyOrSignature_IsRejectedWithTheReason(string why, string body, string? signature, WebhookVerificationFailure expected)
    {
        var result = Verifier().Verify(Encoding.UTF8.GetBytes(body), signature, Now.ToString(System.Globalization.CultureInfo.InvariantCulture), "evt_1");

        Assert.False(result.IsValid, why);
        Assert.Equal(expected, result.Failure);
        Assert.Null(result.Event);
    }

    public static TheoryData<string, string?, WebhookVerificationFailure> RejectedTimestamps => new()
    {
        { "301 s old", (Now - 301).ToString(System.Globalization.CultureInfo.InvariantCulture), WebhookVerificationFailure.TimestampTooOld },
        { "301 s ahead", (Now + 301).ToString(System.Globalization.CultureInfo.InvariantCulture), WebhookVerificationFailure.TimestampInFuture },
        { "a day old", (Now - 86400).ToString(System.Globalization.CultureInfo.InvariantCulture), WebhookVerificationFailure.TimestampTooOld },
        { "zero", "0", WebhookVerificationFailure.TimestampTooOld },
        { "milliseconds instead of seconds", ((Now * 1000) + 5).ToString(System.Globalization.CultureInfo.InvariantCulture), WebhookVerificationFailure.MalformedTimestamp },
        { "missing", null, WebhookVerificationFailure.MissingTimestamp },
        { "empty", string.Empty, WebhookVerificationFailure.MissingTimestamp },
        { "non-numeric", "yesterday", WebhookVerificationFailure.MalformedTimestamp },
        { "ISO 8601 date", "2026-01-01T00:00:00Z", WebhookVerificationFailure.MalformedTimestamp },
        { "HTTP date", "Thu, 01 Jan 2026 00:00:00 GMT", WebhookVerificationFailure.MalformedTimestamp },
        { "negative", "-1767225600", WebhookVerificationFailure.MalformedTimestamp },
        { "plus sign", "+1767225600", WebhookVerificationFailure.MalformedTimestamp },
        { "fractional seconds", "1767225600.5", WebhookVerificationFailure.MalformedTimestamp },
        { "exponent", "1.7672256e9", WebhookVerificationFailure.MalformedTimestamp },
        { "hex", "0x6955B900", WebhookVerificationFailure.MalformedTimestamp },
        { "two values comma-joined", "1767225600,1767225600", WebhookVerificationFailure.MalformedTimestamp },
        { "overflowing", "99999999999999999999999", WebhookVerificationFailure.MalformedTimestamp },
        { "inner space", "17672 25600", WebhookVerificationFailure.MalformedTimestamp },
    };

    [Theory]
    [MemberData(nameof(RejectedTimestamps))]
    public void Verify_BadTimestamp_IsRejectedWithTheReason(string why, string? timestamp, WebhookVerificationFailure expected)
    {
        var result = Verifier().Verify(s_body, BodySignature, timestamp, "evt_1");

        Assert.False(result.IsValid, why);
        Assert.Equal(expected, result.Failure);
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(300)]
    [InlineData(0)]
    public void Verify_TimestampAtTheEdgeOfTheWindow_IsAccepted(int offsetSeconds)
    {
        var result = Verifier().Verify(s_body, BodySignature, (Now + offsetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture), "evt_1");

        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public void Verify_KnownAnswer_IsAcceptedAndParsed()
    {
        var result = Verifier().Verify(s_body, BodySignature, "1767225600", "evt_abc123");

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(0, result.SecretIndex);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Now), result.Timestamp);
        var e = result.Event!;
        Assert.Equal(WebhookEventType.AvatarVideoSuccess, e.EventType);
        Assert.Equal("evt_abc123", e.EventId);
        Assert.Equal("render-42", e.CallbackId);
        Assert.True(e.IsSuccess);
        Assert.Equal("vid_xyz789", e.AvatarVideo!.VideoId);
        Assert.Equal("https://files.heygen.com/video/vid_xyz789.mp4", e.AvatarVideo.Url);
        Assert.Null(e.VideoAgent);
    }

    [Fact]
    public void Verify_SecondKnownAnswerUnderRotatedSecret_IsAcceptedWithItsIndex()
    {
        var verifier = new WebhookVerifier([Secret, NewSecret], new WebhookVerifierOptions { TimeProvider = _time });

        var result = verifier.Verify(Encoding.UTF8.GetBytes(AgentFailBody), AgentFailSignature, "1767225600", "evt_2");

        Assert.True(result.IsValid, result.Message);
        Assert.Equal(1, result.SecretIndex);
        Assert.True(result.Event!.IsFailure);
        Assert.Equal("boom", result.Event.VideoAgent!.Message);
        Assert.Equal("sess_1", result.Event.VideoAgent.SessionId);
    }

    [Fact]
    public void Verify_RotatedOutSecret_IsRejected()
    {
        // After rotation only the new secret is configured; a delivery signed with the old one must fail.
        var verifier = new WebhookVerifier([NewSecret], new WebhookVerifierOptions { TimeProvider = _time });

        var result = verifier.Verify(s_body, BodySignature, "1767225600", "evt_1");

        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, result.Failure);
        Assert.True(verifier.Verify(s_body, BodySignatureNewSecret, "1767225600", "evt_1").IsValid);
    }

    [Fact]
    public void Verify_WrongSecret_IsRejected()
    {
        var verifier = new WebhookVerifier("whsec_wrong", new WebhookVerifierOptions { TimeProvider = _time });

        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, verifier.Verify(s_body, BodySignature, "1767225600").Failure);
    }

    [Fact]
    public void Verify_SecretWithoutItsPrefix_IsRejected()
    {
        // The secret is used verbatim, prefix included.
        var verifier = new WebhookVerifier("k7x9m2testsecret", new WebhookVerifierOptions { TimeProvider = _time });

        Assert.Equal(WebhookVerificationFailure.SignatureMismatch, verifier.Verify(s_body, BodySignature, "1767225600").Failure);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public void Constructor_EmptySecret_IsRejected(string secret)
    {
        var ex = Assert.Throws<ArgumentException>(() => new WebhookVerifier([Secret, secret]));

        Assert.Contains("secrets", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NoSecrets_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new WebhookVerifier(Array.Empty<string>()));

    [Fact]
    public void Verify_OversizedBody_IsRejectedBeforeHashing()
    {
        var verifier = new WebhookVerifier(Secret, new WebhookVerifierOptions { TimeProvider = _time, MaxBodyBytes = 64 });

        var result = verifier.Verify(s_body, BodySignature, "1767225600");

        Assert.Equal(WebhookVerificationFailure.BodyTooLarge, result.Failure);
    }

    [Fact]
    public void Verify_SignedButNotAnEvent_IsRejectedAsMalformedBody()
    {
        // printf '' | openssl dgst -sha256 -hmac 'whsec_k7x9m2testsecret'
        var result = Verifier().Verify([], EmptyBodySignature, "1767225600");

        Assert.Equal(WebhookVerificationFailure.MalformedBody, result.Failure);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFE, (byte)'{', (byte)'}' })]
    [InlineData(new byte[] { (byte)'{', (byte)'"', (byte)'e', (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' })]
    public void Verify_SignedButNotValidUtf8_IsRejectedAsMalformedBody(byte[] body)
    {
        var result = Verifier().Verify(body, WebhookSigner.ComputeSignature(body, Secret), "1767225600");

        Assert.Equal(WebhookVerificationFailure.MalformedBody, result.Failure);
    }

    [Fact]
    public void Verify_SignedWithALoneSurrogateEscape_IsRejectedAsMalformedBody()
    {
        var body = """{"event_type":"avatar_video.success","event_data":{"video_id":"\ud800"}}"""u8.ToArray();

        var result = Verifier().Verify(body, WebhookSigner.ComputeSignature(body, Secret), "1767225600");

        Assert.Equal(WebhookVerificationFailure.MalformedBody, result.Failure);
    }

    [Fact]
    public void Verify_SurroundingSpaces_AreTrimmed()
    {
        var result = Verifier().Verify(s_body, "  " + BodySignature + " ", " 1767225600 ", "evt_1");

        Assert.True(result.IsValid, result.Message);
    }

    [Fact]
    public void Verify_HeaderCollectionWithDuplicatedSignature_IsRejected()
    {
        var headers = Headers((WebhookVerifier.SignatureHeader, [BodySignature, BodySignature]), (WebhookVerifier.TimestampHeader, ["1767225600"]));

        Assert.Equal(WebhookVerificationFailure.DuplicateHeader, Verifier().Verify(s_body, headers).Failure);
    }

    [Fact]
    public void Verify_HeaderCollectionWithDuplicatedTimestamp_IsRejected()
    {
        var headers = Headers((WebhookVerifier.SignatureHeader, [BodySignature]), (WebhookVerifier.TimestampHeader, ["1767225600"]), ("heygen-timestamp", ["1767225600"]));

        Assert.Equal(WebhookVerificationFailure.DuplicateHeader, Verifier().Verify(s_body, headers).Failure);
    }

    [Fact]
    public void Verify_HeaderCollectionWithDuplicatedEventId_IsRejected()
    {
        var headers = Headers((WebhookVerifier.SignatureHeader, [BodySignature]), (WebhookVerifier.TimestampHeader, ["1767225600"]), (WebhookVerifier.EventIdHeader, ["evt_1", "evt_2"]));

        Assert.Equal(WebhookVerificationFailure.DuplicateHeader, Verifier().Verify(s_body, headers).Failure);
    }

    [Fact]
    public void Verify_HeaderCollectionWithoutSignature_IsRejected()
    {
        var headers = Headers((WebhookVerifier.TimestampHeader, ["1767225600"]));

        Assert.Equal(WebhookVerificationFailure.MissingSignature, Verifier().Verify(s_body, headers).Failure);
    }

    [Fact]
    public void Verify_HeaderCollectionWithLowercaseNames_IsAcceptedAndSurfacesTheEventId()
    {
        var headers = Headers(("heygen-signature", [BodySignature]), ("heygen-timestamp", ["1767225600"]), ("heygen-event-id", ["evt_77"]));

        var result = Verifier().Verify(s_body, headers);

        Assert.True(result.IsValid, result.Message);
        Assert.Equal("evt_77", result.Event!.EventId);
    }

    [Fact]
    public void Verify_ClockMovesPastTolerance_SameDeliveryIsRejected()
    {
        var verifier = Verifier();
        Assert.True(verifier.Verify(s_body, BodySignature, "1767225600").IsValid);

        _time.Advance(TimeSpan.FromSeconds(301));

        Assert.Equal(WebhookVerificationFailure.TimestampTooOld, verifier.Verify(s_body, BodySignature, "1767225600").Failure);
    }

    [Fact]
    public void Verify_CustomTolerance_IsHonoured()
    {
        var verifier = new WebhookVerifier(Secret, new WebhookVerifierOptions { TimeProvider = _time, Tolerance = TimeSpan.FromSeconds(10) });

        Assert.True(verifier.Verify(s_body, BodySignature, (Now - 10).ToString(System.Globalization.CultureInfo.InvariantCulture)).IsValid);
        Assert.Equal(WebhookVerificationFailure.TimestampTooOld, verifier.Verify(s_body, BodySignature, (Now - 11).ToString(System.Globalization.CultureInfo.InvariantCulture)).Failure);
    }

    [Fact]
    public void Verify_UnknownEventType_IsAcceptedAndKeptRaw()
    {
        var body = Encoding.UTF8.GetBytes("""{"event_type":"hologram.success","event_data":{"hologram_id":"h1"}}""");
        var signature = WebhookSigner.ComputeSignature(body, Secret);

        var result = Verifier().Verify(body, signature, "1767225600", "evt_9");

        Assert.True(result.IsValid, result.Message);
        Assert.Equal("hologram.success", result.Event!.EventType.Value);
        Assert.Equal("h1", result.Event.EventData.GetProperty("hologram_id").GetString());
        Assert.Null(result.Event.AvatarVideo);
    }

    [Fact]
    public void Verify_FailureMessages_NeverContainTheSecretOrSignature()
    {
        var result = Verifier().Verify(s_body, BodySignature[..^1] + "c", "1767225600");

        Assert.DoesNotContain(Secret, result.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(BodySignature[..16], result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeSignature_MatchesOpensslKnownAnswers()
    {
        Assert.Equal(BodySignature, WebhookSigner.ComputeSignature(s_body, Secret));
        Assert.Equal(BodySignatureNewSecret, WebhookSigner.ComputeSignature(s_body, NewSecret));
        Assert.Equal(AgentFailSignature, WebhookSigner.ComputeSignature(Encoding.UTF8.GetBytes(AgentFailBody), NewSecret));
        Assert.Equal(EmptyBodySignature, WebhookSigner.ComputeSignature([], Secret));
    }

    [Fact]
    public void CreateHeaders_ProducesHeadersTheVerifierAccepts()
    {
        var headers = WebhookSigner.CreateHeaders(s_body, Secret, _time.GetUtcNow(), "evt_5");

        Assert.Equal("1767225600", headers[WebhookVerifier.TimestampHeader]);
        Assert.Equal(BodySignature, headers[WebhookVerifier.SignatureHeader]);
        Assert.True(Verifier().Verify(s_body, headers.Select(h => KeyValuePair.Create(h.Key, (IEnumerable<string>)[h.Value]))).IsValid);
    }

    private static IEnumerable<KeyValuePair<string, IEnumerable<string>>> Headers(params (string Name, string[] Values)[] headers) =>
        headers.Select(h => KeyValuePair.Create(h.Name, (IEnumerable<string>)h.Values));

    private WebhookVerifier Verifier() => new(Secret, new WebhookVerifierOptions { TimeProvider = _time });
}
