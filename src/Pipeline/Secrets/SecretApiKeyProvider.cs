using HeyGen.Client;

namespace HeyGenRender.Pipeline.Secrets;

/// <summary>
/// The HeyGen client's key provider over <see cref="ISecretProvider"/>: the key is <see cref="SecretNames.HeyGenApiKey"/>;
/// when HeyGen rejects it (401) the secrets are refreshed (rate-limited), so a rotated key is picked up.
/// </summary>
public sealed class SecretApiKeyProvider : HeyGenApiKeyProvider
{
    private readonly ISecretProvider _secrets;

    /// <summary>Creates the provider.</summary>
    /// <param name="secrets">The secrets.</param>
    public SecretApiKeyProvider(ISecretProvider secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = secrets;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No API key is configured.</exception>
    public override async ValueTask<string> GetApiKeyAsync(CancellationToken cancellationToken = default) =>
        await _secrets.GetSecretAsync(SecretNames.HeyGenApiKey, cancellationToken).ConfigureAwait(false)
        ?? throw new InvalidOperationException($"The HeyGen API key is not configured (Key Vault secret '{SecretNames.HeyGenApiKey}' or setting '{SecretsOptions.HeyGenApiKeyKey}').");

    /// <inheritdoc />
    public override async ValueTask OnKeyRejectedAsync(string rejectedKey, CancellationToken cancellationToken = default) =>
        await _secrets.TryRefreshAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public override string ToString() => nameof(SecretApiKeyProvider);
}
