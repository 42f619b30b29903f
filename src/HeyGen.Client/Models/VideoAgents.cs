using System.Text.Json.Serialization;

namespace HeyGen.Client;

/// <summary>Body of <c>POST /v3/video-agents</c>: a video from a prompt.</summary>
public sealed record CreateVideoAgentRequest
{
    /// <summary>The prompt (1–10,000 characters).</summary>
    [JsonPropertyName("prompt")]
    public required string Prompt { get; init; }

    /// <summary><c>generate</c> (one-shot, default) or <c>chat</c> (multi-turn).</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>A specific avatar.</summary>
    [JsonPropertyName("avatar_id")]
    public string? AvatarId { get; init; }

    /// <summary>A specific voice.</summary>
    [JsonPropertyName("voice_id")]
    public string? VoiceId { get; init; }

    /// <summary>A style from <c>GET /v3/video-agents/styles</c>.</summary>
    [JsonPropertyName("style_id")]
    public string? StyleId { get; init; }

    /// <summary>A brand kit.</summary>
    [JsonPropertyName("brand_kit_id")]
    public string? BrandKitId { get; init; }

    /// <summary><c>landscape</c> or <c>portrait</c>; auto-detected when null.</summary>
    [JsonPropertyName("orientation")]
    public string? Orientation { get; init; }

    /// <summary>Up to 20 attachments.</summary>
    [JsonPropertyName("files")]
    public IReadOnlyList<AssetInput>? Files { get; init; }

    /// <summary>A URL notified (unsigned) on completion or failure.</summary>
    [JsonPropertyName("callback_url")]
    public string? CallbackUrl { get; init; }

    /// <summary>An id echoed back in webhook payloads.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>Disables memory for this session.</summary>
    [JsonPropertyName("incognito_mode")]
    public bool? IncognitoMode { get; init; }

    /// <summary>Chat mode: skip the review checkpoints.</summary>
    [JsonPropertyName("auto_proceed")]
    public bool? AutoProceed { get; init; }
}

/// <summary>The response of <c>POST /v3/video-agents</c>.</summary>
public sealed class VideoAgentSession
{
    /// <summary>The session id.</summary>
    [JsonPropertyName("session_id")]
    public required string SessionId { get; init; }

    /// <summary>The session status.</summary>
    [JsonPropertyName("status")]
    public VideoAgentSessionStatus Status { get; init; }

    /// <summary>The video id, once generation has started.</summary>
    [JsonPropertyName("video_id")]
    public string? VideoId { get; init; }

    /// <summary>Creation time, Unix seconds.</summary>
    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; init; }
}

/// <summary>A session with its progress and messages (<c>GET /v3/video-agents/{session_id}</c>).</summary>
public sealed class VideoAgentSessionDetail
{
    /// <summary>The session id.</summary>
    [JsonPropertyName("session_id")]
    public required string SessionId { get; init; }

    /// <summary>The session status.</summary>
    [JsonPropertyName("status")]
    public VideoAgentSessionStatus Status { get; init; }

    /// <summary>Progress in percent.</summary>
    [JsonPropertyName("progress")]
    public int? Progress { get; init; }

    /// <summary>The title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The video id, once generation has started.</summary>
    [JsonPropertyName("video_id")]
    public string? VideoId { get; init; }

    /// <summary>Creation time, Unix seconds.</summary>
    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; init; }

    /// <summary>The conversation so far.</summary>
    [JsonPropertyName("messages")]
    public IReadOnlyList<VideoAgentMessage> Messages { get; init; } = [];
}

/// <summary>A message in a Video Agent session.</summary>
public sealed class VideoAgentMessage
{
    /// <summary>Who wrote it (for example <c>user</c> or <c>model</c>).</summary>
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    /// <summary>The text.</summary>
    [JsonPropertyName("content")]
    public string? Content { get; init; }

    /// <summary><c>text</c>, <c>resource</c> or <c>error</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>Creation time, Unix seconds.</summary>
    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; init; }

    /// <summary>Resources attached to the message.</summary>
    [JsonPropertyName("resource_ids")]
    public IReadOnlyList<string>? ResourceIds { get; init; }
}

/// <summary>Body of <c>POST /v3/video-agents/{session_id}</c>: a follow-up message or revision request.</summary>
public sealed record SendVideoAgentMessageRequest
{
    /// <summary>The message.</summary>
    [JsonPropertyName("message")]
    public required string Message { get; init; }

    /// <summary>Attachments.</summary>
    [JsonPropertyName("files")]
    public IReadOnlyList<AssetInput>? Files { get; init; }

    /// <summary>Avatar override.</summary>
    [JsonPropertyName("avatar_id")]
    public string? AvatarId { get; init; }

    /// <summary>Voice override.</summary>
    [JsonPropertyName("voice_id")]
    public string? VoiceId { get; init; }

    /// <summary>Brand kit override.</summary>
    [JsonPropertyName("brand_kit_id")]
    public string? BrandKitId { get; init; }
}

/// <summary>The response of sending a message to a session.</summary>
public sealed class VideoAgentMessageResult
{
    /// <summary>The session id.</summary>
    [JsonPropertyName("session_id")]
    public required string SessionId { get; init; }

    /// <summary>The run started by the message.</summary>
    [JsonPropertyName("run_id")]
    public string? RunId { get; init; }

    /// <summary>The title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }
}

/// <summary>A Video Agent style (<c>GET /v3/video-agents/styles</c>).</summary>
public sealed class VideoAgentStyle
{
    /// <summary>The style id.</summary>
    [JsonPropertyName("style_id")]
    public required string StyleId { get; init; }

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>A thumbnail.</summary>
    [JsonPropertyName("thumbnail_url")]
    public string? ThumbnailUrl { get; init; }

    /// <summary>A preview video.</summary>
    [JsonPropertyName("preview_video_url")]
    public string? PreviewVideoUrl { get; init; }

    /// <summary>Tags.</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The aspect ratio.</summary>
    [JsonPropertyName("aspect_ratio")]
    public string? AspectRatio { get; init; }
}
