using Azure.Storage.Blobs;
using HeyGenRender.LocalAzurite;
using Xunit;

namespace HeyGenRender.TestSupport;

/// <summary>
/// Real blob storage for tests: one Azurite per test class (or collection) on a random loopback port,
/// stopped and deleted when the tests are done. Give each test its own container names.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteServer? _server;

    /// <summary>The running Azurite.</summary>
    public AzuriteServer Server => _server ?? throw new InvalidOperationException("Azurite has not started.");

    /// <summary>A connection string for the Azure SDK.</summary>
    public string ConnectionString => Server.ConnectionString;

    /// <summary>A new client for the account.</summary>
    public BlobServiceClient CreateServiceClient(BlobClientOptions? options = null) => new(ConnectionString, options);

    /// <summary>A container name unique to this call, valid for Azure Storage.</summary>
    public static string UniqueContainerName(string prefix = "t") =>
        $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)].ToLowerInvariant();

    /// <inheritdoc />
    public async Task InitializeAsync() =>
        _server = await AzuriteServer.StartAsync(new AzuriteOptions { InstallRoot = RepoPaths.Root });

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
