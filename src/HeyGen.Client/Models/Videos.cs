using System.Text.Json.Serialization;

namespace HeyGen.Client;

/// <summary>
/// Body of <c>POST /v3/videos</c>. Use <see cref="AvatarVideoRequest"/>, <see cref="ImageVideoRequest"/>
/// or <see cref="CinematicAvatarVideoRequest"/>; the <c>type</c> field is written from the subtype.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(AvatarVideoRequest), "avatar")]
[JsonDerivedType(typeof(ImageVideoRequest), "image")]
[JsonDerivedType(typeof(CinematicAvatarVideoRequest), "cinematic_avatar")]
public abstract record CreateVideoRequest
{
    private protected CreateVideoRequest()
    {
    }

    /// <summary>The video title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>Resolution: <c>4k</c>, <c>1080p</c> or <c>720p</c>.</summary>
    [JsonPropertyName("resolution")]
    public string? Resolution { get; init; }

    /// <summary>Aspect ratio: <c>16:9</c>, <c>9:16</c>, <c>4:5</c>, <c>5:4</c>, <c>1:1</c> or <c>auto</c>.</summary>
    [JsonPropertyName("aspect_ratio")]
    public string? AspectRatio { get; init; }
}

/// <summary>Fields shared by avatar and image videos (script or audio, callback, background).</summary>
public abstract record SpokenVideoRequest : CreateVideoRequest
{
    private protected SpokenVideoRequest()
    {
    }

    /// <summary>The script to speak (mutually exclusive with audio).</summary>
    [JsonPropertyName("script")]
    public string? Script { get; init; }

    /// <summary>The voice for the script.</summary>
    [JsonPropertyName("voice_id")]
    public string? VoiceId { get; init; }

    /// <summary>A public audio URL to lip-sync (mutually exclusive with script).</summary>
    [JsonPropertyName("audio_url")]
    public string? AudioUrl { get; init; }

    /// <summary>An uploaded audio asset to lip-sync (mutually exclusive with script).</summary>
    [JsonPropertyName("audio_asset_id")]
    public string? AudioAssetId { get; init; }

    /// <summary>Voice tuning for the script's speech (speed, pitch, volume, locale); null keeps the voice's defaults.</summary>
    [JsonPropertyName("voice_settings")]
    public VoiceSettings? VoiceSettings { get; init; }

    /// <summary>A URL that receives an (unsigned) notification when the video is ready.</summary>
    [JsonPropertyName("callback_url")]
    public string? CallbackUrl { get; init; }

    /// <summary>An id echoed back in webhook payloads.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>Background settings.</summary>
    [JsonPropertyName("background")]
    public VideoBackground? Background { get; init; }

    /// <summary>Caption settings.</summary>
    [JsonPropertyName("caption")]
    public VideoCaption? Caption { get; init; }

    /// <summary>Expressiveness (photo avatars): <c>high</c>, <c>medium</c>, <c>low</c>.</summary>
    [JsonPropertyName("expressiveness")]
    public string? Expressiveness { get; init; }

    /// <summary>How the subject fits the canvas: <c>contain</c> or <c>cover</c>.</summary>
    [JsonPropertyName("fit")]
    public string? Fit { get; init; }

    /// <summary>A prompt controlling body motion and gestures.</summary>
    [JsonPropertyName("motion_prompt")]
    public string? MotionPrompt { get; init; }

    /// <summary>Output container: <c>mp4</c> (default) or <c>webm</c>.</summary>
    [JsonPropertyName("output_format")]
    public string? OutputFormat { get; init; }

    /// <summary>Whether to remove the background.</summary>
    [JsonPropertyName("remove_background")]
    public bool? RemoveBackground { get; init; }
}

/// <summary><c>POST /v3/videos</c> with <c>type: avatar</c>: a HeyGen avatar speaks a script or audio.</summary>
public sealed record AvatarVideoRequest : SpokenVideoRequest
{
    /// <summary>The avatar (video avatar or photo avatar look id).</summary>
    [JsonPropertyName("avatar_id")]
    public required string AvatarId { get; init; }

    /// <summary>The engine, for example <c>{"type":"avatar_v"}</c>; HeyGen defaults to Avatar IV.</summary>
    [JsonPropertyName("engine")]
    public VideoEngine? Engine { get; init; }
}

/// <summary><c>POST /v3/videos</c> with <c>type: image</c>: an arbitrary image is animated.</summary>
public sealed record ImageVideoRequest : SpokenVideoRequest
{
    /// <summary>The image to animate.</summary>
    [JsonPropertyName("image")]
    public required AssetInput Image { get; init; }
}

/// <summary><c>POST /v3/videos</c> with <c>type: cinematic_avatar</c>: a prompt plus avatar references.</summary>
public sealed record CinematicAvatarVideoRequest : CreateVideoRequest
{
    /// <summary>The avatars to feature.</summary>
    [JsonPropertyName("avatar_id")]
    public required IReadOnlyList<string> AvatarIds { get; init; }

    /// <summary>The prompt describing the video.</summary>
    [JsonPropertyName("prompt")]
    public required string Prompt { get; init; }

    /// <summary>Reference assets.</summary>
    [JsonPropertyName("references")]
    public IReadOnlyList<AssetInput>? References { get; init; }

    /// <summary>Duration in seconds.</summary>
    [JsonPropertyName("duration")]
    public int? Duration { get; init; }

    /// <summary>Whether HeyGen chooses the duration.</summary>
    [JsonPropertyName("auto_duration")]
    public bool? AutoDuration { get; init; }

    /// <summary>Whether HeyGen may enhance the prompt.</summary>
    [JsonPropertyName("enhance_prompt")]
    public bool? EnhancePrompt { get; init; }
}

/// <summary>Video background: a solid color or an image.</summary>
public sealed record VideoBackground
{
    /// <summary><c>color</c> or <c>image</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Hex color when <see cref="Type"/> is <c>color</c>.</summary>
    [JsonPropertyName("value")]
    public string? Value { get; init; }

    /// <summary>Image URL when <see cref="Type"/> is <c>image</c>.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>Image asset when <see cref="Type"/> is <c>image</c>.</summary>
    [JsonPropertyName("asset_id")]
    public string? AssetId { get; init; }
}

/// <summary>Caption settings: a sidecar subtitle file is always produced; a style burns them in.</summary>
public sealed record VideoCaption
{
    /// <summary>Sidecar format, <c>srt</c>.</summary>
    [JsonPropertyName("file_format")]
    public string? FileFormat { get; init; }

    /// <summary>Burn-in style (<c>default</c>); null for sidecar only.</summary>
    [JsonPropertyName("style")]
    public string? Style { get; init; }
}

/// <summary>Voice tuning of <c>POST /v3/videos</c> (<c>voice_settings</c>); a null member keeps HeyGen's default.</summary>
public sealed record VoiceSettings
{
    /// <summary>Playback speed multiplier, 0.5 to 1.5.</summary>
    [JsonPropertyName("speed")]
    public double? Speed { get; init; }

    /// <summary>Pitch adjustment in semitones, -50 to 50.</summary>
    [JsonPropertyName("pitch")]
    public double? Pitch { get; init; }

    /// <summary>Voice volume: 1.0 full, 0.0 silent.</summary>
    [JsonPropertyName("volume")]
    public double? Volume { get; init; }

    /// <summary>Locale or accent hint for multilingual voices, for example <c>en-US</c>.</summary>
    [JsonPropertyName("locale")]
    public string? Locale { get; init; }
}

/// <summary>The render engine.</summary>
public sealed record VideoEngine
{
    /// <summary><c>avatar_v</c>, <c>avatar_iv</c> or <c>avatar_iii</c>.</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Avatar V only: the instant-avatar look to use as animation reference.</summary>
    [JsonPropertyName("reference_look_id")]
    public string? ReferenceLookId { get; init; }
}

/// <summary>The response of <c>POST /v3/videos</c>.</summary>
public sealed class CreatedVideo
{
    /// <summary>The new video's id.</summary>
    [JsonPropertyName("video_id")]
    public required string VideoId { get; init; }

    /// <summary>The initial status as reported (for example <c>waiting</c>).</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>The output container (<c>mp4</c> or <c>webm</c>).</summary>
    [JsonPropertyName("output_format")]
    public string? OutputFormat { get; init; }
}

/// <summary>A video (<c>GET /v3/videos/{video_id}</c>).</summary>
public sealed class VideoDetail
{
    /// <summary>The video id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The status.</summary>
    [JsonPropertyName("status")]
    public VideoStatus Status { get; init; }

    /// <summary>Creation time, Unix seconds.</summary>
    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; init; }

    /// <summary>Completion time, Unix seconds.</summary>
    [JsonPropertyName("completed_at")]
    public long? CompletedAt { get; init; }

    /// <summary>The download URL (expires; a fresh GET returns a fresh URL).</summary>
    [JsonPropertyName("video_url")]
    public string? VideoUrl { get; init; }

    /// <summary>The thumbnail URL.</summary>
    [JsonPropertyName("thumbnail_url")]
    public string? ThumbnailUrl { get; init; }

    /// <summary>The GIF preview URL.</summary>
    [JsonPropertyName("gif_url")]
    public string? GifUrl { get; init; }

    /// <summary>The URL of the version with burned-in captions.</summary>
    [JsonPropertyName("captioned_video_url")]
    public string? CaptionedVideoUrl { get; init; }

    /// <summary>The subtitle file URL.</summary>
    [JsonPropertyName("subtitle_url")]
    public string? SubtitleUrl { get; init; }

    /// <summary>Duration in seconds.</summary>
    [JsonPropertyName("duration")]
    public double? Duration { get; init; }

    /// <summary>The folder.</summary>
    [JsonPropertyName("folder_id")]
    public string? FolderId { get; init; }

    /// <summary>The output language.</summary>
    [JsonPropertyName("output_language")]
    public string? OutputLanguage { get; init; }

    /// <summary>A machine-readable failure reason when failed.</summary>
    [JsonPropertyName("failure_code")]
    public string? FailureCode { get; init; }

    /// <summary>A human-readable failure message when failed.</summary>
    [JsonPropertyName("failure_message")]
    public string? FailureMessage { get; init; }

    /// <summary>The video's page in the HeyGen app.</summary>
    [JsonPropertyName("video_page_url")]
    public string? VideoPageUrl { get; init; }
}

/// <summary>Filters for <c>GET /v3/videos</c>.</summary>
public sealed record VideoListOptions : PageOptions
{
    /// <summary>Only videos in this folder.</summary>
    public string? FolderId { get; init; }

    /// <summary>Only videos whose title matches.</summary>
    public string? Title { get; init; }
}
