using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Secrets;

/// <summary>Secrets from configuration (<see cref="SecretsOptions"/>): the local default. Refreshing reads the current options again.</summary>
public sealed class ConfigurationSecretProvider : ISecretProvider
{
    private readonly IOptionsMonitor<SecretsOptions> _options;

    /// <summary>Creates the provider.</summary>
    /// <param name="options">The options, re-read on every lookup so configuration reloads apply.</param>
    public ConfigurationSecretProvider(IOptionsMonitor<SecretsOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc />
    public ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        var options = _options.CurrentValue;
        var value = name switch
        {
            SecretNames.HeyGenApiKey => options.HeyGenApiKey,
            SecretNames.WebhookSecret => options.WebhookSecret,
            SecretNames.WebhookSecretPrevious => options.WebhookSecretPrevious,
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Not a pipeline secret name."),
        };
        return ValueTask.FromResult(string.IsNullOrEmpty(value) ? null : value);
    }

    /// <inheritdoc />
    public ValueTask<bool> TryRefreshAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(false);

    /// <inheritdoc />
    public override string ToString() => nameof(ConfigurationSecretProvider);
}
