using System.Text.Json;
using System.Text.Json.Serialization;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>
/// A webhook delivery body: <c>{"event_type": ..., "event_data": {...}}</c>. Documented types get a typed
/// view; every event keeps its raw <see cref="EventData"/>, and unknown types parse without error.
/// </summary>
public sealed class WebhookEvent
{
    /// <summary>Creates an event (for tests; see <see cref="Parse"/>).</summary>
    /// <param name="eventType">The type.</param>
    /// <param name="eventData">The raw payload.</param>
    /// <param name="eventId">The <c>Heygen-Event-Id</c>.</param>
    public WebhookEvent(WebhookEventType eventType, JsonElement eventData, string? eventId)
    {
        EventType = eventType;
        EventData = eventData;
        EventId = eventId;
    }

    /// <summary>The event type.</summary>
    public WebhookEventType EventType { get; }

    /// <summary>The raw <c>event_data</c> (an undefined element when absent).</summary>
    public JsonElement EventData { get; }

    /// <summary>The event id to de-duplicate on: the body's signed <c>event_id</c>, else the <c>Heygen-Event-Id</c> header.</summary>
    public string? EventId { get; }

    /// <summary>The <c>event_id</c> in the (signed) body, when it has one.</summary>
    public string? BodyEventId { get; init; }

    /// <summary>The <c>callback_id</c> given at create time, when the payload carries one.</summary>
    public string? CallbackId => GetString("callback_id");

    /// <summary>Whether the event reports success (<c>*.success</c>).</summary>
    public bool IsSuccess => EventType.Value.EndsWith(".success", StringComparison.Ordinal);

    /// <summary>Whether the event reports failure (<c>*.fail</c> or <c>*failed</c>).</summary>
    public bool IsFailure => EventType.Value.EndsWith(".fail", StringComparison.Ordinal) || EventType.Value.EndsWith("_failed", StringComparison.Ordinal);

    /// <summary>Typed data for <c>avatar_video.success</c> and <c>avatar_video.fail</c>; otherwise null.</summary>
    public AvatarVideoEventData? AvatarVideo =>
        EventType == WebhookEventType.AvatarVideoSuccess || EventType == WebhookEventType.AvatarVideoFail
            ? Deserialize(HeyGenJsonContext.Default.AvatarVideoEventData)
            : null;

    /// <summary>Typed data for <c>video_agent.success</c> and <c>video_agent.fail</c>; otherwise null.</summary>
    public VideoAgentEventData? VideoAgent =>
        EventType == WebhookEventType.VideoAgentSuccess || EventType == WebhookEventType.VideoAgentFail
            ? Deserialize(HeyGenJsonContext.Default.VideoAgentEventData)
            : null;

    /// <summary>Typed data for <c>video_translate.success</c> and <c>video_translate.fail</c>; otherwise null.</summary>
    public VideoTranslateEventData? VideoTranslation =>
        EventType == WebhookEventType.VideoTranslateSuccess || EventType == WebhookEventType.VideoTranslateFail
            ? Deserialize(HeyGenJsonContext.Default.VideoTranslateEventData)
            : null;

    /// <summary>Parses a delivery body. Verify it first with <see cref="WebhookVerifier"/>.</summary>
    /// <param name="body">The raw body.</param>
    /// <param name="eventId">The <c>Heygen-Event-Id</c> header, if known.</param>
    /// <returns>The event.</returns>
    /// <exception cref="JsonException">The body is not a JSON object with a string <c>event_type</c>, or it holds text
    /// that is not valid Unicode (invalid UTF-8, or an escaped lone surrogate).</exception>
    public static WebhookEvent Parse(ReadOnlySpan<byte> body, string? eventId = null)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            throw new JsonException("A webhook body must be valid UTF-8.");
        }

        var reader = new Utf8JsonReader(body);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        EnsureValidText(root);
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("event_type", out var type)
            || type.ValueKind != JsonValueKind.String
            || string.IsNullOrEmpty(type.GetString()))
        {
            throw new JsonException("A webhook body must be a JSON object with a string event_type.");
        }

        var data = root.TryGetProperty("event_data", out var d) ? d.Clone() : default;

        // The body's own event id is signed; the header's is not, so the body's wins.
        var bodyEventId = root.TryGetProperty("event_id", out var id) && id.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(id.GetString())
            ? id.GetString()
            : null;
        return new WebhookEvent(new WebhookEventType(type.GetString()!), data, bodyEventId ?? eventId) { BodyEventId = bodyEventId };
    }

    // A "\ud800" escape is valid JSON but no string: reading it later would throw where nobody expects it.
    private static void EnsureValidText(JsonElement element)
    {
        try
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.String:
                    _ = element.GetString();
                    break;
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        _ = property.Name;
                        EnsureValidText(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        EnsureValidText(item);
                    }

                    break;
            }
        }
        catch (InvalidOperationException ex)
        {
            throw new JsonException("A webhook body must hold valid Unicode text (an escape is a lone surrogate).", ex);
        }
    }

    private string? GetString(string name) =>
        EventData.ValueKind == JsonValueKind.Object && EventData.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private T? Deserialize<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class =>
        EventData.ValueKind == JsonValueKind.Object ? EventData.Deserialize(typeInfo) : null;
}

/// <summary><c>event_data</c> of <c>avatar_video.success</c> / <c>avatar_video.fail</c>.</summary>
public sealed class AvatarVideoEventData
{
    /// <summary>The video id.</summary>
    [JsonPropertyName("video_id")]
    public string? VideoId { get; init; }

    /// <summary>The presigned download URL (expires).</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>The GIF preview URL.</summary>
    [JsonPropertyName("gif_download_url")]
    public string? GifDownloadUrl { get; init; }

    /// <summary>The page in the HeyGen app.</summary>
    [JsonPropertyName("video_page_url")]
    public string? VideoPageUrl { get; init; }

    /// <summary>The share page.</summary>
    [JsonPropertyName("video_share_page_url")]
    public string? VideoSharePageUrl { get; init; }

    /// <summary>The folder.</summary>
    [JsonPropertyName("folder_id")]
    public string? FolderId { get; init; }

    /// <summary>The caller's callback id.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>The failure message on <c>.fail</c>.</summary>
    [JsonPropertyName("msg")]
    public string? Message { get; init; }
}

/// <summary><c>event_data</c> of <c>video_agent.success</c> / <c>video_agent.fail</c>.</summary>
public sealed class VideoAgentEventData
{
    /// <summary>The session id.</summary>
    [JsonPropertyName("session_id")]
    public string? SessionId { get; init; }

    /// <summary>The video id.</summary>
    [JsonPropertyName("video_id")]
    public string? VideoId { get; init; }

    /// <summary>The presigned download URL (expires).</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>The caller's callback id.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>The failure message on <c>.fail</c>.</summary>
    [JsonPropertyName("msg")]
    public string? Message { get; init; }
}

/// <summary><c>event_data</c> of <c>video_translate.success</c> / <c>video_translate.fail</c>.</summary>
public sealed class VideoTranslateEventData
{
    /// <summary>The translation id.</summary>
    [JsonPropertyName("video_translation_id")]
    public string? VideoTranslationId { get; init; }

    /// <summary>The target language.</summary>
    [JsonPropertyName("output_language")]
    public string? OutputLanguage { get; init; }

    /// <summary>The presigned download URL (expires).</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>The caller's callback id.</summary>
    [JsonPropertyName("callback_id")]
    public string? CallbackId { get; init; }

    /// <summary>The failure message on <c>.fail</c>.</summary>
    [JsonPropertyName("msg")]
    public string? Message { get; init; }
}
