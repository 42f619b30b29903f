using System.Text.Json;
using System.Text.Json.Serialization;

namespace HeyGen.Client;

/// <summary>Body of <c>POST /v3/webhooks/endpoints</c>.</summary>
public sealed record CreateWebhookEndpointRequest
{
    /// <summary>The public HTTPS URL that receives events.</summary>
    [JsonPropertyName("url")]
    public required string Url { get; init; }

    /// <summary>Event types to receive; null subscribes to all.</summary>
    [JsonPropertyName("events")]
    public IReadOnlyList<WebhookEventType>? Events { get; init; }

    /// <summary>Scopes the endpoint to one resource.</summary>
    [JsonPropertyName("entity_id")]
    public string? EntityId { get; init; }
}

/// <summary>Body of <c>PATCH /v3/webhooks/endpoints/{endpoint_id}</c>; only set fields change.</summary>
public sealed record UpdateWebhookEndpointRequest
{
    /// <summary>The new URL.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>The new event list (replaces the old one).</summary>
    [JsonPropertyName("events")]
    public IReadOnlyList<WebhookEventType>? Events { get; init; }
}

/// <summary>A registered webhook endpoint.</summary>
public sealed class WebhookEndpoint
{
    /// <summary>The endpoint id.</summary>
    [JsonPropertyName("endpoint_id")]
    public required string EndpointId { get; init; }

    /// <summary>The URL.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>Subscribed event types; null means all.</summary>
    [JsonPropertyName("events")]
    public IReadOnlyList<WebhookEventType>? Events { get; init; }

    /// <summary>The status, for example <c>enabled</c>.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }

    /// <summary>Creation time (ISO 8601).</summary>
    [JsonPropertyName("created_at")]
    public string? CreatedAt { get; init; }

    /// <summary>The signing secret: only present on create and rotate. Store it securely.</summary>
    [JsonPropertyName("secret")]
    public string? Secret { get; init; }
}

/// <summary>The new secret after a rotation; the old one stops working immediately.</summary>
public sealed class WebhookSecretRotation
{
    /// <summary>The endpoint id.</summary>
    [JsonPropertyName("endpoint_id")]
    public required string EndpointId { get; init; }

    /// <summary>The new signing secret.</summary>
    [JsonPropertyName("secret")]
    public required string Secret { get; init; }
}

/// <summary>A supported webhook event type and its description.</summary>
public sealed class WebhookEventTypeInfo
{
    /// <summary>The event type.</summary>
    [JsonPropertyName("event_type")]
    public WebhookEventType EventType { get; init; }

    /// <summary>What it means.</summary>
    [JsonPropertyName("description")]
    public string? Description { get; init; }
}

/// <summary>A delivered event as listed by <c>GET /v3/webhooks/events</c>.</summary>
public sealed class WebhookEventRecord
{
    /// <summary>The event id.</summary>
    [JsonPropertyName("event_id")]
    public required string EventId { get; init; }

    /// <summary>The event type.</summary>
    [JsonPropertyName("event_type")]
    public WebhookEventType EventType { get; init; }

    /// <summary>The raw payload; its shape depends on <see cref="EventType"/>.</summary>
    [JsonPropertyName("event_data")]
    public JsonElement EventData { get; init; }

    /// <summary>Creation time (ISO 8601).</summary>
    [JsonPropertyName("created_at")]
    public string? CreatedAt { get; init; }
}

/// <summary>Filters for <c>GET /v3/webhooks/events</c>.</summary>
public sealed record WebhookEventListOptions : PageOptions
{
    /// <summary>Only this event type.</summary>
    public WebhookEventType? EventType { get; init; }

    /// <summary>Only events about this entity (a video id, session id, ...).</summary>
    public string? EntityId { get; init; }
}
