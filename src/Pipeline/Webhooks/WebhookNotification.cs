using System.Text.Json.Serialization;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// The payload of <see cref="Orchestration.RenderEvents.HeyGenWebhook"/>: a verified, de-duplicated HeyGen
/// webhook reduced to what the workflow needs. URLs are not carried: the workflow GETs the job for a fresh one.
/// </summary>
public sealed record WebhookNotification
{
    /// <summary>HeyGen's <c>Heygen-Event-Id</c>.</summary>
    [JsonPropertyName("event_id")]
    public required string EventId { get; init; }

    /// <summary>The event type, for example <c>avatar_video.success</c> or <c>video_translate.fail</c>.</summary>
    [JsonPropertyName("event_type")]
    public required string EventType { get; init; }

    /// <summary>The HeyGen id the event is about (video id, video agent session id or translation id), if given.</summary>
    [JsonPropertyName("heygen_id")]
    public string? HeyGenId { get; init; }

    /// <summary>The video id, when the event names one (avatar video and video agent events).</summary>
    [JsonPropertyName("video_id")]
    public string? VideoId { get; init; }

    /// <summary>The output language, for translation events (one event per language).</summary>
    [JsonPropertyName("output_language")]
    public string? OutputLanguage { get; init; }

    /// <summary><c>completed</c> for success events, <c>failed</c> for failure events, else the event's own status.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>HeyGen's failure code, for failure events.</summary>
    [JsonPropertyName("failure_code")]
    public string? FailureCode { get; init; }

    /// <summary>HeyGen's failure message, for failure events.</summary>
    [JsonPropertyName("failure_message")]
    public string? FailureMessage { get; init; }

    /// <summary>True for a success event.</summary>
    [JsonIgnore]
    public bool IsSuccess => Status == "completed";

    /// <summary>True for a failure event.</summary>
    [JsonIgnore]
    public bool IsFailure => Status == "failed";
}
