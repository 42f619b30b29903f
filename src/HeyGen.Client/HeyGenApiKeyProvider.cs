namespace HeyGen.Client;

/// <summary>
/// Supplies the HeyGen API key, for example from Key Vault with caching. When HeyGen answers 401 the
/// client calls <see cref="OnKeyRejectedAsync"/> with the rejected key, then <see cref="GetApiKeyAsync"/>
/// again, and retries the request once if the key changed.
/// </summary>
public abstract class HeyGenApiKeyProvider
{
    /// <summary>Returns the current key. Called before each request, so cache inside.</summary>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    /// <returns>The API key.</returns>
    public abstract ValueTask<string> GetApiKeyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Called once when HeyGen rejected <paramref name="rejectedKey"/> with 401: drop the cached key so the
    /// next <see cref="GetApiKeyAsync"/> fetches a fresh one. The default does nothing.
    /// </summary>
    /// <param name="rejectedKey">The key that was rejected.</param>
    /// <param name="cancellationToken">Cancels the refresh.</param>
    /// <returns>A task that completes when the cache is invalidated.</returns>
    public virtual ValueTask OnKeyRejectedAsync(string rejectedKey, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <summary>A provider for a fixed key (which is never refreshed).</summary>
    /// <param name="apiKey">The key.</param>
    /// <returns>The provider.</returns>
    /// <exception cref="ArgumentException"><paramref name="apiKey"/> is null or blank.</exception>
    public static HeyGenApiKeyProvider FromKey(string apiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(apiKey);
        return new FixedKeyProvider(apiKey);
    }

    private sealed class FixedKeyProvider(string apiKey) : HeyGenApiKeyProvider
    {
        public override ValueTask<string> GetApiKeyAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(apiKey);

        public override string ToString() => "FixedKeyProvider(***)";
    }
}
