using Azure;
using Azure.Security.KeyVault.Secrets;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Secrets;

public sealed class KeyVaultSecretProviderTests : IAsyncLifetime
{
    private readonly ManualTimeProvider _time = new();
    private readonly FakeCredential _credential = new();
    private FakeKeyVault _vault = null!;
    private KeyVaultSecretProvider _provider = null!;
    private SecretClient _client = null!;

    public async Task InitializeAsync()
    {
        _vault = await FakeKeyVault.StartAsync();
        _vault.SetSecret(SecretNames.HeyGenApiKey, "key-1");
        _vault.SetSecret(SecretNames.WebhookSecret, "whsec-1");
        _client = _vault.CreateClient(_credential);
        _provider = new KeyVaultSecretProvider(_client, Options.Create(new SecretsOptions()), _time, NullLogger<KeyVaultSecretProvider>.Instance);
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task GetSecretAsync_FirstCall_AnswersChallengeWithTokenForTheVaultResource()
    {
        var value = await _provider.GetSecretAsync(SecretNames.HeyGenApiKey);

        Assert.Equal("key-1", value);
        Assert.Equal(1, _vault.Challenges);
        Assert.Equal([$"{FakeKeyVault.Resource}/.default"], _credential.Scopes.Distinct());
    }

    [Fact]
    public async Task GetSecretAsync_Repeated_IsServedFromCache()
    {
        await _provider.GetSecretAsync(SecretNames.HeyGenApiKey);
        await _provider.GetSecretAsync(SecretNames.HeyGenApiKey);
        await _provider.GetSecretAsync(SecretNames.HeyGenApiKey);

        Assert.Single(_vault.Reads);
    }

    [Fact]
    public async Task GetSecretAsync_AbsentOptionalSecret_ReturnsNull()
    {
        Assert.Null(await _provider.GetSecretAsync(SecretNames.WebhookSecretPrevious));
    }

    [Fact]
    public async Task GetSecretAsync_AfterCacheDuration_ReadsAgain()
    {
        await _provider.GetSecretAsync(SecretNames.WebhookSecret);
        _vault.SetSecret(SecretNames.WebhookSecret, "whsec-2");

        _time.Advance(new SecretsOptions().CacheDuration);

        Assert.Equal("whsec-2", await _provider.GetSecretAsync(SecretNames.WebhookSecret));
    }

    [Fact]
    public async Task TryRefreshAsync_RotatedSecret_IsPickedUpAndRefreshIsRateLimited()
    {
        await _provider.GetSecretAsync(SecretNames.WebhookSecret);
        _vault.SetSecret(SecretNames.WebhookSecret, "whsec-2");
        Assert.Equal("whsec-1", await _provider.GetSecretAsync(SecretNames.WebhookSecret));

        Assert.True(await _provider.TryRefreshAsync());
        Assert.Equal("whsec-2", await _provider.GetSecretAsync(SecretNames.WebhookSecret));

        // A flood of failures within the interval costs no Key Vault calls.
        _vault.SetSecret(SecretNames.WebhookSecret, "whsec-3");
        for (var i = 0; i < 50; i++)
        {
            Assert.False(await _provider.TryRefreshAsync());
            Assert.Equal("whsec-2", await _provider.GetSecretAsync(SecretNames.WebhookSecret));
        }

        Assert.Equal(2, _vault.Reads.Count);

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await _provider.TryRefreshAsync());
        Assert.Equal("whsec-3", await _provider.GetSecretAsync(SecretNames.WebhookSecret));
    }

    [Fact]
    public async Task GetSecretAsync_SecretSetThroughTheClient_ReadsTheNewVersion()
    {
        Assert.Equal("whsec-1", await _provider.GetSecretAsync(SecretNames.WebhookSecret));

        KeyVaultSecret set = await _client.SetSecretAsync(SecretNames.WebhookSecret, "whsec-2");
        Assert.True(await _provider.TryRefreshAsync());

        Assert.Equal("whsec-2", await _provider.GetSecretAsync(SecretNames.WebhookSecret));
        Assert.Equal([SecretNames.WebhookSecret], _vault.Writes);
        Assert.Equal(["whsec-1", "whsec-2"], _vault.GetVersions(SecretNames.WebhookSecret).Select(v => v.Value));
        Assert.Equal(_vault.GetVersions(SecretNames.WebhookSecret)[^1].Version, set.Properties.Version);
        Assert.Equal(new Uri(_vault.VaultUri, $"secrets/{SecretNames.WebhookSecret}/{set.Properties.Version}"), set.Id);
        Assert.True(set.Properties.Enabled);
    }

    [Fact]
    public async Task SetSecretAsync_NewSecret_IsReadableByVersionAndEarlierVersionsStay()
    {
        KeyVaultSecret first = await _client.SetSecretAsync(SecretNames.WebhookSecretPrevious, "old");
        await _client.SetSecretAsync(SecretNames.WebhookSecretPrevious, "new");

        Assert.Equal("new", (await _client.GetSecretAsync(SecretNames.WebhookSecretPrevious)).Value.Value);
        Assert.Equal("old", (await _client.GetSecretAsync(SecretNames.WebhookSecretPrevious, first.Properties.Version)).Value.Value);
        Assert.Equal("new", await _provider.GetSecretAsync(SecretNames.WebhookSecretPrevious));
    }

    [Fact]
    public async Task SetSecretAsync_InvalidName_FailsWithKeyVaultsError()
    {
        var failure = await Assert.ThrowsAsync<RequestFailedException>(() => _client.SetSecretAsync("not_valid", "x"));

        Assert.Equal((400, "BadParameter"), (failure.Status, failure.ErrorCode));
        Assert.Empty(_vault.Writes);
    }

    [Fact]
    public async Task SecretApiKeyProvider_KeyRejected_FetchesTheRotatedKey()
    {
        var keys = new SecretApiKeyProvider(_provider);
        Assert.Equal("key-1", await keys.GetApiKeyAsync());
        _vault.SetSecret(SecretNames.HeyGenApiKey, "key-2");

        await keys.OnKeyRejectedAsync("key-1");

        Assert.Equal("key-2", await keys.GetApiKeyAsync());
    }

    [Fact]
    public void ToString_NeverShowsSecretValues()
    {
        Assert.DoesNotContain("key-1", _provider.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("key-1", new SecretApiKeyProvider(_provider).ToString(), StringComparison.Ordinal);
    }
}

public sealed class ConfigurationSecretProviderTests
{
    [Fact]
    public async Task GetSecretAsync_FromSettings_ReadsTheDocumentedKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [SecretsOptions.HeyGenApiKeyKey] = "local-key",
            [SecretsOptions.WebhookSecretKey] = "local-whsec",
        }).Build();
        var options = new SecretsOptions();
        configuration.GetSection(SecretsOptions.SectionName).Bind(options);
        var provider = new ConfigurationSecretProvider(new StaticMonitor(options));

        Assert.Equal("local-key", await provider.GetSecretAsync(SecretNames.HeyGenApiKey));
        Assert.Equal("local-whsec", await provider.GetSecretAsync(SecretNames.WebhookSecret));
        Assert.Null(await provider.GetSecretAsync(SecretNames.WebhookSecretPrevious));
        Assert.False(await provider.TryRefreshAsync());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await provider.GetSecretAsync("other"));
    }

    private sealed class StaticMonitor(SecretsOptions value) : IOptionsMonitor<SecretsOptions>
    {
        public SecretsOptions CurrentValue => value;

        public SecretsOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SecretsOptions, string?> listener) => null;
    }
}
