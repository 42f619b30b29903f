using System.Text.Json.Serialization;

namespace HeyGen.Client;

/// <summary>Body of <c>POST /v3/video-translations</c>.</summary>
public sealed record CreateVideoTranslationRequest
{
    /// <summary>The source video.</summary>
    [JsonPropertyName("video")]
    public required AssetInput Video { get; init; }

    /// <summary>Target language names from <c>GET /v3/video-translations/languages</c>.</summary>
    [JsonPropertyName("output_languages")]
    public required IReadOnlyList<string> OutputLanguages { get; init; }

    /// <summary>The title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary><c>speed</c> (default) or <c>precision</c>.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>The source language; auto-detected when null.</summary>
    [JsonPropertyName("input_language")]
    public string? InputLanguage { get; init; }

    /// <summary>Custom dubbing audio.</summary>
    [JsonPropertyName("audio")]
    public AssetInput? Audio { get; init; }

    /// <summary>Number of speakers.</summary>
    [JsonPropertyName("speaker_num")]
    public int? SpeakerCount { get; init; }

    /// <summary>Translate audio only, keep the original video.</summary>
    [JsonPropertyName("translate_audio_only")]
    public bool? TranslateAudioOnly { get; init; }

    /// <summary>Generate captions.</summary>
    [JsonPropertyName("enable_caption")]
    public bool? EnableCaption { get; init; }

    /// <summary>A URL notified (unsigned) on completion.</summary>
    [JsonPropertyName("callback_url")]
    public string? CallbackUrl { get; init; }

    /// <summary>An id echoed back in webhook payloads.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>The folder.</summary>
    [JsonPropertyName("folder_id")]
    public string? FolderId { get; init; }
}

/// <summary>The response of <c>POST /v3/video-translations</c>: one id per output language.</summary>
public sealed class CreatedVideoTranslations
{
    /// <summary>The new translations' ids.</summary>
    [JsonPropertyName("video_translation_ids")]
    public IReadOnlyList<string> VideoTranslationIds { get; init; } = [];
}

/// <summary>A video translation.</summary>
public sealed class VideoTranslation
{
    /// <summary>The id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The status (<c>running</c> while in progress).</summary>
    [JsonPropertyName("status")]
    public JobStatus Status { get; init; }

    /// <summary>The target language.</summary>
    [JsonPropertyName("output_language")]
    public string? OutputLanguage { get; init; }

    /// <summary>The source language.</summary>
    [JsonPropertyName("input_language")]
    public string? InputLanguage { get; init; }

    /// <summary>Duration in seconds.</summary>
    [JsonPropertyName("duration")]
    public double? Duration { get; init; }

    /// <summary>Whether only the audio was translated.</summary>
    [JsonPropertyName("translate_audio_only")]
    public bool? TranslateAudioOnly { get; init; }

    /// <summary>The translated video's URL.</summary>
    [JsonPropertyName("video_url")]
    public string? VideoUrl { get; init; }

    /// <summary>The translated audio's URL.</summary>
    [JsonPropertyName("audio_url")]
    public string? AudioUrl { get; init; }

    /// <summary>The SRT caption file's URL.</summary>
    [JsonPropertyName("srt_caption_url")]
    public string? SrtCaptionUrl { get; init; }

    /// <summary>The WebVTT caption file's URL.</summary>
    [JsonPropertyName("vtt_caption_url")]
    public string? VttCaptionUrl { get; init; }

    /// <summary>The caller's callback id.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>Creation time, Unix seconds.</summary>
    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; init; }

    /// <summary>The failure message when failed.</summary>
    [JsonPropertyName("failure_message")]
    public string? FailureMessage { get; init; }
}

/// <summary>Body of <c>PATCH /v3/video-translations/{id}</c> and <c>PATCH /v3/lipsyncs/{id}</c>.</summary>
public sealed record UpdateTitleRequest
{
    /// <summary>The new title.</summary>
    [JsonPropertyName("title")]
    public required string Title { get; init; }
}

/// <summary>The caption file of a translation.</summary>
public sealed class VideoTranslationCaption
{
    /// <summary>The caption file URL.</summary>
    [JsonPropertyName("caption_url")]
    public required string CaptionUrl { get; init; }
}

/// <summary>The languages a video can be translated into.</summary>
public sealed class VideoTranslationLanguages
{
    /// <summary>Language names to use in <see cref="CreateVideoTranslationRequest.OutputLanguages"/>.</summary>
    [JsonPropertyName("languages")]
    public IReadOnlyList<string> Languages { get; init; } = [];
}

/// <summary>Body of <c>POST /v3/lipsyncs</c>: new audio on an existing video.</summary>
public sealed record CreateLipsyncRequest
{
    /// <summary>The source video.</summary>
    [JsonPropertyName("video")]
    public required AssetInput Video { get; init; }

    /// <summary>The replacement audio.</summary>
    [JsonPropertyName("audio")]
    public required AssetInput Audio { get; init; }

    /// <summary>The title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary><c>speed</c> (default) or <c>precision</c>.</summary>
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    /// <summary>Generate captions.</summary>
    [JsonPropertyName("enable_caption")]
    public bool? EnableCaption { get; init; }

    /// <summary>A URL notified (unsigned) on completion.</summary>
    [JsonPropertyName("callback_url")]
    public string? CallbackUrl { get; init; }

    /// <summary>An id echoed back in the callback.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>The folder.</summary>
    [JsonPropertyName("folder_id")]
    public string? FolderId { get; init; }
}

/// <summary>The response of <c>POST /v3/lipsyncs</c>.</summary>
public sealed class CreatedLipsync
{
    /// <summary>The new lipsync's id.</summary>
    [JsonPropertyName("lipsync_id")]
    public required string LipsyncId { get; init; }
}

/// <summary>A lipsync job. There is no lipsync webhook event: poll it.</summary>
public sealed class Lipsync
{
    /// <summary>The id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The title.</summary>
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>The status (<c>running</c> while in progress).</summary>
    [JsonPropertyName("status")]
    public JobStatus Status { get; init; }

    /// <summary>Duration in seconds.</summary>
    [JsonPropertyName("duration")]
    public double? Duration { get; init; }

    /// <summary>The result video's URL.</summary>
    [JsonPropertyName("video_url")]
    public string? VideoUrl { get; init; }

    /// <summary>The caption file's URL, when captions were requested.</summary>
    [JsonPropertyName("caption_url")]
    public string? CaptionUrl { get; init; }

    /// <summary>The caller's callback id.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>Creation time, Unix seconds.</summary>
    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; init; }

    /// <summary>The failure message when failed.</summary>
    [JsonPropertyName("failure_message")]
    public string? FailureMessage { get; init; }
}
