using System.ComponentModel;
using System.Text.Json.Serialization;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>A HeyGen webhook event type (<c>event_type</c>). Unknown types are kept as-is.</summary>
[JsonConverter(typeof(StringValueJsonConverter<WebhookEventType>))]
public readonly struct WebhookEventType : IEquatable<WebhookEventType>, IStringValue<WebhookEventType>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire form.</summary>
    /// <param name="value">The wire value, for example <c>avatar_video.success</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public WebhookEventType(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary><c>avatar_video.success</c>.</summary>
    public static WebhookEventType AvatarVideoSuccess { get; } = new("avatar_video.success");

    /// <summary><c>avatar_video.fail</c>.</summary>
    public static WebhookEventType AvatarVideoFail { get; } = new("avatar_video.fail");

    /// <summary><c>avatar_video_gif.success</c>.</summary>
    public static WebhookEventType AvatarVideoGifSuccess { get; } = new("avatar_video_gif.success");

    /// <summary><c>avatar_video_gif.fail</c>.</summary>
    public static WebhookEventType AvatarVideoGifFail { get; } = new("avatar_video_gif.fail");

    /// <summary><c>avatar_video_caption.success</c>.</summary>
    public static WebhookEventType AvatarVideoCaptionSuccess { get; } = new("avatar_video_caption.success");

    /// <summary><c>avatar_video_caption.fail</c>.</summary>
    public static WebhookEventType AvatarVideoCaptionFail { get; } = new("avatar_video_caption.fail");

    /// <summary><c>video_translate.success</c>.</summary>
    public static WebhookEventType VideoTranslateSuccess { get; } = new("video_translate.success");

    /// <summary><c>video_translate.fail</c>.</summary>
    public static WebhookEventType VideoTranslateFail { get; } = new("video_translate.fail");

    /// <summary><c>video_translate.preflight.validation_failed</c>.</summary>
    public static WebhookEventType VideoTranslatePreflightValidationFailed { get; } = new("video_translate.preflight.validation_failed");

    /// <summary><c>video_translate.preflight.download_failed</c>.</summary>
    public static WebhookEventType VideoTranslatePreflightDownloadFailed { get; } = new("video_translate.preflight.download_failed");

    /// <summary><c>video_agent.success</c>.</summary>
    public static WebhookEventType VideoAgentSuccess { get; } = new("video_agent.success");

    /// <summary><c>video_agent.fail</c>.</summary>
    public static WebhookEventType VideoAgentFail { get; } = new("video_agent.fail");

    /// <summary><c>personalized_video</c>.</summary>
    public static WebhookEventType PersonalizedVideo { get; } = new("personalized_video");

    /// <summary><c>instant_avatar.success</c>.</summary>
    public static WebhookEventType InstantAvatarSuccess { get; } = new("instant_avatar.success");

    /// <summary><c>instant_avatar.fail</c>.</summary>
    public static WebhookEventType InstantAvatarFail { get; } = new("instant_avatar.fail");

    /// <summary><c>photo_avatar_generation.success</c>.</summary>
    public static WebhookEventType PhotoAvatarGenerationSuccess { get; } = new("photo_avatar_generation.success");

    /// <summary><c>photo_avatar_generation.fail</c>.</summary>
    public static WebhookEventType PhotoAvatarGenerationFail { get; } = new("photo_avatar_generation.fail");

    /// <summary><c>photo_avatar_train.success</c>.</summary>
    public static WebhookEventType PhotoAvatarTrainSuccess { get; } = new("photo_avatar_train.success");

    /// <summary><c>photo_avatar_train.fail</c>.</summary>
    public static WebhookEventType PhotoAvatarTrainFail { get; } = new("photo_avatar_train.fail");

    /// <summary><c>photo_avatar_add_motion.success</c>.</summary>
    public static WebhookEventType PhotoAvatarAddMotionSuccess { get; } = new("photo_avatar_add_motion.success");

    /// <summary><c>photo_avatar_add_motion.fail</c>.</summary>
    public static WebhookEventType PhotoAvatarAddMotionFail { get; } = new("photo_avatar_add_motion.fail");

    /// <summary><c>proofread_creation.success</c>.</summary>
    public static WebhookEventType ProofreadCreationSuccess { get; } = new("proofread_creation.success");

    /// <summary><c>proofread_creation.fail</c>.</summary>
    public static WebhookEventType ProofreadCreationFail { get; } = new("proofread_creation.fail");

    /// <summary><c>live_avatar.success</c>.</summary>
    public static WebhookEventType LiveAvatarSuccess { get; } = new("live_avatar.success");

    /// <summary><c>live_avatar.fail</c>.</summary>
    public static WebhookEventType LiveAvatarFail { get; } = new("live_avatar.fail");

    /// <summary><c>hyperframes_video.success</c>.</summary>
    public static WebhookEventType HyperframesVideoSuccess { get; } = new("hyperframes_video.success");

    /// <summary><c>hyperframes_video.fail</c>.</summary>
    public static WebhookEventType HyperframesVideoFail { get; } = new("hyperframes_video.fail");

    /// <summary><c>ai_clipping.success</c>.</summary>
    public static WebhookEventType AiClippingSuccess { get; } = new("ai_clipping.success");

    /// <summary><c>ai_clipping.fail</c>.</summary>
    public static WebhookEventType AiClippingFail { get; } = new("ai_clipping.fail");

    /// <summary><c>batch.finished</c>.</summary>
    public static WebhookEventType BatchFinished { get; } = new("batch.finished");

    /// <summary>The wire value; empty for <c>default</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator ==(WebhookEventType left, WebhookEventType right) => left.Equals(right);

    /// <summary>Compares two values ordinally.</summary>
    public static bool operator !=(WebhookEventType left, WebhookEventType right) => !left.Equals(right);

    /// <summary>Converts a wire value.</summary>
    public static implicit operator WebhookEventType(string value) => new(value);

    /// <inheritdoc />
    static WebhookEventType IStringValue<WebhookEventType>.FromValue(string value) => new(value);

    /// <inheritdoc />
    public bool Equals(WebhookEventType other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override bool Equals(object? obj) => obj is WebhookEventType other && Equals(other);

    /// <inheritdoc />
    [EditorBrowsable(EditorBrowsableState.Never)]
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}
