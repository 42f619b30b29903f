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

    /// <summary>The prepaid balance; set when <see cref="BillingType"/> is <c>wallet</c> (API key accounts).</summary>
    [JsonPropertyName("wallet")]
    public UserWallet? Wallet { get; init; }

    /// <summary>The plan's credit pools; set when <see cref="BillingType"/> is <c>subscription</c>.</summary>
    [JsonPropertyName("subscription")]
    public UserSubscription? Subscription { get; init; }

    /// <summary>Metered spending; set when <see cref="BillingType"/> is <c>usage_based</c>.</summary>
    [JsonPropertyName("usage_based")]
    public UserUsageBased? UsageBased { get; init; }
}

/// <summary>A prepaid balance (<c>wallet</c> of <c>GET /v3/users/me</c>).</summary>
public sealed class UserWallet
{
    /// <summary>The unit of <see cref="RemainingBalance"/>: <c>usd</c>, or <c>credits</c> (Enterprise).</summary>
    [JsonPropertyName("currency")]
    public required string Currency { get; init; }

    /// <summary>What is left, in <see cref="Currency"/>.</summary>
    [JsonPropertyName("remaining_balance")]
    public double? RemainingBalance { get; init; }

    /// <summary>Automatic top-up.</summary>
    [JsonPropertyName("auto_reload")]
    public WalletAutoReload? AutoReload { get; init; }
}

/// <summary>A wallet's automatic top-up.</summary>
public sealed class WalletAutoReload
{
    /// <summary>Whether the wallet is topped up automatically.</summary>
    [JsonPropertyName("enabled")]
    public bool Enabled { get; init; }

    /// <summary>The balance below which a top-up happens, in US dollars.</summary>
    [JsonPropertyName("threshold_usd")]
    public double? ThresholdUsd { get; init; }

    /// <summary>How much each top-up adds, in US dollars.</summary>
    [JsonPropertyName("amount_usd")]
    public double? AmountUsd { get; init; }
}

/// <summary>A subscription plan and its credit pools (<c>subscription</c> of <c>GET /v3/users/me</c>).</summary>
public sealed class UserSubscription
{
    /// <summary>The plan (for example <c>free</c>, <c>pro</c>, <c>team</c>, <c>enterprise</c>).</summary>
    [JsonPropertyName("plan")]
    public string? Plan { get; init; }

    /// <summary>The credit pools.</summary>
    [JsonPropertyName("credits")]
    public SubscriptionCredits? Credits { get; init; }
}

/// <summary>A subscription's credit pools.</summary>
public sealed class SubscriptionCredits
{
    /// <summary>The plan's premium credits.</summary>
    [JsonPropertyName("premium_credits")]
    public CreditPool? PremiumCredits { get; init; }

    /// <summary>Credits bought on top of the plan.</summary>
    [JsonPropertyName("add_on_credits")]
    public CreditPool? AddOnCredits { get; init; }
}

/// <summary>One pool of credits.</summary>
public sealed class CreditPool
{
    /// <summary>Credits left in the pool.</summary>
    [JsonPropertyName("remaining")]
    public long? Remaining { get; init; }

    /// <summary>When the pool is refilled (ISO 8601, as HeyGen sends it).</summary>
    [JsonPropertyName("resets_at")]
    public string? ResetsAt { get; init; }
}

/// <summary>Metered spending (<c>usage_based</c> of <c>GET /v3/users/me</c>).</summary>
public sealed class UserUsageBased
{
    /// <summary>Spent so far in the current period, in US dollars.</summary>
    [JsonPropertyName("spending_current_usd")]
    public double? SpendingCurrentUsd { get; init; }

    /// <summary>The spending cap, in US dollars; null when there is none.</summary>
    [JsonPropertyName("spending_cap_usd")]
    public double? SpendingCapUsd { get; init; }
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
