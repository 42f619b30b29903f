namespace HeyGenRender.Pipeline.Secrets;

/// <summary>
/// Supplies the pipeline's secrets by name (<see cref="SecretNames"/>): Key Vault in Azure, configuration
/// locally. Implementations cache, and refresh when told a secret stopped working; refreshes are rate-limited.
/// </summary>
public interface ISecretProvider
{
    /// <summary>The secret's current value, or null when it is not set (for example no previous webhook secret).</summary>
    /// <param name="name">A name from <see cref="SecretNames"/>.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The value or null.</returns>
    ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Drops cached values so the next lookup reads the source again, unless a refresh happened too recently.
    /// </summary>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>True when values were reloaded; false when rate-limited or the source cannot change.</returns>
    ValueTask<bool> TryRefreshAsync(CancellationToken cancellationToken = default);
}

/// <summary>The names of the pipeline's secrets in Key Vault.</summary>
public static class SecretNames
{
    /// <summary>The HeyGen API key.</summary>
    public const string HeyGenApiKey = "heygen-api-key";

    /// <summary>The current webhook signing secret of the registered HeyGen endpoint.</summary>
    public const string WebhookSecret = "heygen-webhook-secret";

    /// <summary>The previous webhook signing secret, accepted during rotation; may be absent.</summary>
    public const string WebhookSecretPrevious = "heygen-webhook-secret-previous";

    /// <summary>All of them.</summary>
    public static IReadOnlyList<string> All { get; } = [HeyGenApiKey, WebhookSecret, WebhookSecretPrevious];
}

/// <summary>Where secrets come from (configuration section <c>Secrets</c>).</summary>
public sealed class SecretsOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Secrets";

    /// <summary>Configuration key of <see cref="KeyVaultUri"/>.</summary>
    public const string KeyVaultUriKey = SectionName + ":" + nameof(KeyVaultUri);

    /// <summary>Configuration key of <see cref="HeyGenApiKey"/>.</summary>
    public const string HeyGenApiKeyKey = SectionName + ":" + nameof(HeyGenApiKey);

    /// <summary>Configuration key of <see cref="WebhookSecret"/>.</summary>
    public const string WebhookSecretKey = SectionName + ":" + nameof(WebhookSecret);

    /// <summary>Configuration key of <see cref="WebhookSecretPrevious"/>.</summary>
    public const string WebhookSecretPreviousKey = SectionName + ":" + nameof(WebhookSecretPrevious);

    /// <summary>The Key Vault (for example <c>https://kv-name.vault.azure.net/</c>); when set, secrets come from it with managed identity.</summary>
    public Uri? KeyVaultUri { get; set; }

    /// <summary>The HeyGen API key, for local runs without Key Vault.</summary>
    public string? HeyGenApiKey { get; set; }

    /// <summary>The webhook signing secret, for local runs without Key Vault.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The previous webhook signing secret, for local runs without Key Vault.</summary>
    public string? WebhookSecretPrevious { get; set; }

    /// <summary>The least time between two reloads from Key Vault, so forged webhooks cannot flood it.</summary>
    public TimeSpan MinRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long cached secrets are used before they are read again even when nothing failed.</summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromHours(1);
}
