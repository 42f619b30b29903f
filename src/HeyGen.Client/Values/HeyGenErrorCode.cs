using System.ComponentModel;
using System.Text.Json.Serialization;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>A machine-readable HeyGen error code (<c>error.code</c>). Unknown codes are kept as-is.</summary>
[JsonConverter(typeof(StringValueJsonConverter<HeyGenErrorCode>))]
public readonly struct HeyGenErrorCode : IEquatable<HeyGenErrorCode>, IStringValue<HeyGenErrorCode>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire form.</summary>
    /// <param name="value">The wire value, for example <c>unauthorized</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public HeyGenErrorCode(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary><c>unauthorized</c>.</summary>
    public static HeyGenErrorCode Unauthorized { get; } = new("unauthorized");

    /// <summary><c>forbidden</c>.</summary>
    public static HeyGenErrorCode Forbidden { get; } = new("forbidden");

    /// <summary><c>resource_access_denied</c>.</summary>
    public static HeyGenErrorCode ResourceAccessDenied { get; } = new("resource_access_denied");

    /// <summary><c>ai_vendor_access_restricted</c>.</summary>
    public static HeyGenErrorCode AiVendorAccessRestricted { get; } = new("ai_vendor_access_restricted");

    /// <summary><c>voice_not_usable</c>.</summary>
    public static HeyGenErrorCode VoiceNotUsable { get; } = new("voice_not_usable");

    /// <summary><c>rate_limit_exceeded</c>.</summary>
    public static HeyGenErrorCode RateLimitExceeded { get; } = new("rate_limit_exceeded");

    /// <summary><c>quota_exceeded</c>.</summary>
    public static HeyGenErrorCode QuotaExceeded { get; } = new("quota_exceeded");

    /// <summary><c>insufficient_credit</c>.</summary>
    public static HeyGenErrorCode InsufficientCredit { get; } = new("insufficient_credit");

    /// <summary><c>trial_limit_exceeded</c>.</summary>
    public static HeyGenErrorCode TrialLimitExceeded { get; } = new("trial_limit_exceeded");

    /// <summary><c>plan_upgrade_required</c>.</summary>
    public static HeyGenErrorCode PlanUpgradeRequired { get; } = new("plan_upgrade_required");

    /// <summary><c>video_not_found</c>.</summary>
    public static HeyGenErrorCode VideoNotFound { get; } = new("video_not_found");

    /// <summary><c>avatar_not_found</c>.</summary>
    public static HeyGenErrorCode AvatarNotFound { get; } = new("avatar_not_found");

    /// <summary><c>voice_not_found</c>.</summary>
    public static HeyGenErrorCode VoiceNotFound { get; } = new("voice_not_found");

    /// <summary><c>template_not_found</c>.</summary>
    public static HeyGenErrorCode TemplateNotFound { get; } = new("template_not_found");

    /// <summary><c>asset_not_found</c>.</summary>
    public static HeyGenErrorCode AssetNotFound { get; } = new("asset_not_found");

    /// <summary><c>webhook_not_found</c>.</summary>
    public static HeyGenErrorCode WebhookNotFound { get; } = new("webhook_not_found");

    /// <summary><c>resource_not_found</c>.</summary>
    public static HeyGenErrorCode ResourceNotFound { get; } = new("resource_not_found");

    /// <summary><c>invalid_parameter</c>.</summary>
    public static HeyGenErrorCode InvalidParameter { get; } = new("invalid_parameter");

    /// <summary><c>conflict</c>.</summary>
    public static HeyGenErrorCode Conflict { get; } = new("conflict");

    /// <summary><c>resource_not_ready</c>.</summary>
    public static HeyGenErrorCode ResourceNotReady { get; } = new("resource_not_ready");

    /// <summary><c>request_in_progress</c>.</summary>
    public static HeyGenErrorCode RequestInProgress { get; } = new("request_in_progress");

    /// <summary><c>content_policy_violation</c>.</summary>
    public static HeyGenErrorCode ContentPolicyViolation { get; } = new("content_policy_violation");

    /// <summary><c>unlimited_mode_disabled</c>.</summary>
    public static HeyGenErrorCode UnlimitedModeDisabled { get; } = new("unlimited_mode_disabled");

    /// <summary><c>resource_limit_reached</c>.</summary>
    public static HeyGenErrorCode ResourceLimitReached { get; } = new("resource_limit_reached");

    /// <summary><c>voice_unavailable</c>.</summary>
    public static HeyGenErrorCode VoiceUnavailable { get; } = new("voice_unavailable");

    /// <summary><c>script_too_short</c>.</summary>
    public static HeyGenErrorCode ScriptTooShort { get; } = new("script_too_short");

    /// <summary><c>tts_text_invalid</c>.</summary>
    public static HeyGenErrorCode TtsTextInvalid { get; } = new("tts_text_invalid");

    /// <summary><c>download_failed</c>.</summary>
    public static HeyGenErrorCode DownloadFailed { get; } = new("download_failed");

    /// <summary><c>video_delete_failed</c>.</summary>
    public static HeyGenErrorCode VideoDeleteFailed { get; } = new("video_delete_failed");

    /// <summary><c>ephemeral_upload_disabled</c>.</summary>
    public static HeyGenErrorCode EphemeralUploadDisabled { get; } = new("ephemeral_upload_disabled");

    /// <summary><c>internal_error</c>.</summary>
    public static HeyGenErrorCode InternalError { get; } = new("internal_error");

    /// <summary><c>gateway_timeout</c>.</summary>
    public static HeyGenErrorCode GatewayTimeout { get; } = new("gateway_timeout");

    /// <summary>
    /// <c>BadDigest</c>: the storage behind the direct upload's presigned <c>PUT</c> refused the bytes because their
    /// SHA-256 does not match the checksum declared at initialize (an S3 error code, from the <c>PUT</c>'s XML body).
    /// </summary>
    public static HeyGenErrorCode BadDigest { get; } = new("BadDigest");

    /// <summary>The wire value; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator ==(HeyGenErrorCode left, HeyGenErrorCode right) => left.Equals(right);

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator !=(HeyGenErrorCode left, HeyGenErrorCode right) => !left.Equals(right);

    /// <summary>Converts a wire value.</summary>
    public static implicit operator HeyGenErrorCode(string value) => new(value);

    /// <inheritdoc />
    static HeyGenErrorCode IStringValue<HeyGenErrorCode>.FromValue(string value) => new(value);

    /// <inheritdoc />
    public bool Equals(HeyGenErrorCode other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is HeyGenErrorCode other && Equals(other);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
