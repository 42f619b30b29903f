using Azure;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Secrets;

/// <summary>
/// Secrets from Azure Key Vault through a <see cref="SecretClient"/> (managed identity in Azure). Values are
/// cached for <see cref="SecretsOptions.CacheDuration"/>; <see cref="TryRefreshAsync"/> drops the cache at most
/// once per <see cref="SecretsOptions.MinRefreshInterval"/>, so failures (a 401 from HeyGen, a signature
/// mismatch) pick up a rotated secret without letting a flood of bad requests become a flood of Key Vault calls.
/// </summary>
public sealed partial class KeyVaultSecretProvider : ISecretProvider
{
    private readonly SecretClient _client;
    private readonly TimeProvider _time;
    private readonly SecretsOptions _options;
    private readonly ILogger<KeyVaultSecretProvider> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, (string? Value, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastRefresh;

    /// <summary>Creates the provider.</summary>
    /// <param name="client">The Key Vault client.</param>
    /// <param name="options">Cache and refresh intervals.</param>
    /// <param name="time">The clock.</param>
    /// <param name="logger">Logs (names only, never values).</param>
    public KeyVaultSecretProvider(SecretClient client, IOptions<SecretsOptions> options, TimeProvider time, ILogger<KeyVaultSecretProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _client = client;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    /// <exception cref="RequestFailedException">Key Vault failed other than with 404.</exception>
    public async ValueTask<string?> GetSecretAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_cache.TryGetValue(name, out var cached) && now - cached.ReadAt < _options.CacheDuration)
            {
                return cached.Value;
            }

            string? value;
            try
            {
                var secret = await _client.GetSecretAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
                value = secret.Value.Value;
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                // An optional secret (the previous webhook secret) may simply not exist.
                value = null;
            }

            _cache[name] = (value, now);
            Log.Loaded(_logger, name, value is not null);
            return value;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryRefreshAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _time.GetUtcNow();
            if (_lastRefresh is { } last && now - last < _options.MinRefreshInterval)
            {
                Log.RefreshSkipped(_logger, _options.MinRefreshInterval);
                return false;
            }

            _lastRefresh = now;
            _cache.Clear();
            Log.Refreshing(_logger);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{nameof(KeyVaultSecretProvider)}({_client.VaultUri})";

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Read secret {SecretName} from Key Vault (present: {Present})")]
        public static partial void Loaded(ILogger logger, string secretName, bool present);

        [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Secrets will be read from Key Vault again")]
        public static partial void Refreshing(ILogger logger);

        [LoggerMessage(EventId = 2303, Level = LogLevel.Warning, Message = "Secret refresh skipped: the last one was less than {Interval} ago")]
        public static partial void RefreshSkipped(ILogger logger, TimeSpan interval);
    }
}
