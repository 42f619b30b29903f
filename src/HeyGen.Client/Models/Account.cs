using System.Text.Json.Serialization;

namespace HeyGen.Client;

/// <summary>The authenticated user (<c>GET /v3/users/me</c>).</summary>
public sealed class HeyGenUser
{
    /// <summary>The user name.</summary>
    [JsonPropertyName("username")]
    public required string Username { get; init; }

    /// <summary>The e-mail address.</summary>
    [JsonPropertyName("email")]
    public string? Email { get; init; }

    /// <summary>The first name.</summary>
    [JsonPropertyName("first_name")]
    public string? FirstName { get; init; }

    /// <summary>The last name.</summary>
    [JsonPropertyName("last_name")]
    public string? LastName { get; init; }

    /// <summary>The billing type (for example <c>wallet</c>, <c>subscription</c>, <c>usage_based</c>).</summary>
    [JsonPropertyName("billing_type")]
    public string? BillingType { get; init; }
}

/// <summary>An avatar group (<c>GET /v3/avatars</c>).</summary>
public sealed class AvatarGroup
{
    /// <summary>The group id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>A preview image.</summary>
    [JsonPropertyName("preview_image_url")]
    public string? PreviewImageUrl { get; init; }

    /// <summary>A preview video.</summary>
    [JsonPropertyName("preview_video_url")]
    public string? PreviewVideoUrl { get; init; }

    /// <summary>The gender.</summary>
    [JsonPropertyName("gender")]
    public string? Gender { get; init; }

    /// <summary>Creation time, Unix seconds.</summary>
    [JsonPropertyName("created_at")]
    public long? CreatedAt { get; init; }

    /// <summary>The number of looks.</summary>
    [JsonPropertyName("looks_count")]
    public int? LooksCount { get; init; }

    /// <summary>The default voice.</summary>
    [JsonPropertyName("default_voice_id")]
    public string? DefaultVoiceId { get; init; }

    /// <summary>The status.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }
}

/// <summary>An avatar look (<c>GET /v3/avatars/looks</c>).</summary>
public sealed class AvatarLook
{
    /// <summary>The look id (usable as <c>avatar_id</c>).</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary><c>studio_avatar</c>, <c>video_avatar</c> or <c>photo_avatar</c>.</summary>
    [JsonPropertyName("avatar_type")]
    public string? AvatarType { get; init; }

    /// <summary>The group.</summary>
    [JsonPropertyName("group_id")]
    public string? GroupId { get; init; }

    /// <summary>A preview image.</summary>
    [JsonPropertyName("preview_image_url")]
    public string? PreviewImageUrl { get; init; }

    /// <summary>A preview video.</summary>
    [JsonPropertyName("preview_video_url")]
    public string? PreviewVideoUrl { get; init; }

    /// <summary>The gender.</summary>
    [JsonPropertyName("gender")]
    public string? Gender { get; init; }

    /// <summary>Tags.</summary>
    [JsonPropertyName("tags")]
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>The default voice.</summary>
    [JsonPropertyName("default_voice_id")]
    public string? DefaultVoiceId { get; init; }

    /// <summary>Engines usable with this look (for example <c>avatar_v</c>).</summary>
    [JsonPropertyName("supported_api_engines")]
    public IReadOnlyList<string>? SupportedApiEngines { get; init; }

    /// <summary>The status.</summary>
    [JsonPropertyName("status")]
    public string? Status { get; init; }
}

/// <summary>Filters for <c>GET /v3/avatars</c>.</summary>
public sealed record AvatarListOptions : PageOptions;

/// <summary>Filters for <c>GET /v3/avatars/looks</c>.</summary>
public sealed record AvatarLookListOptions : PageOptions
{
    /// <summary>Only looks of this group.</summary>
    public string? GroupId { get; init; }

    /// <summary>Only this avatar type.</summary>
    public string? AvatarType { get; init; }

    /// <summary><c>public</c> or <c>private</c>.</summary>
    public string? Ownership { get; init; }
}

/// <summary>A voice (<c>GET /v3/voices</c>).</summary>
public sealed class Voice
{
    /// <summary>The voice id.</summary>
    [JsonPropertyName("voice_id")]
    public required string VoiceId { get; init; }

    /// <summary>The name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The language.</summary>
    [JsonPropertyName("language")]
    public string? Language { get; init; }

    /// <summary>The gender.</summary>
    [JsonPropertyName("gender")]
    public string? Gender { get; init; }

    /// <summary>A preview clip.</summary>
    [JsonPropertyName("preview_audio_url")]
    public string? PreviewAudioUrl { get; init; }

    /// <summary><c>public</c> or <c>private</c>.</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }
}

/// <summary>Filters for <c>GET /v3/voices</c>.</summary>
public sealed record VoiceListOptions : PageOptions
{
    /// <summary><c>public</c> or <c>private</c>.</summary>
    public string? Type { get; init; }

    /// <summary>Only this engine.</summary>
    public string? Engine { get; init; }

    /// <summary>Only this language.</summary>
    public string? Language { get; init; }

    /// <summary>Only this gender.</summary>
    public string? Gender { get; init; }
}
