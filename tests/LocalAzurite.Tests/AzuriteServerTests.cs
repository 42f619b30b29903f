using System.Net.Sockets;
using Azure.Storage.Blobs;
using HeyGenRender.TestSupport;

namespace HeyGenRender.LocalAzurite.Tests;

public sealed class AzuriteServerTests
{
    [Fact]
    public async Task StartAsync_PinnedPackage_ServesBlobsOnLoopbackUntilDisposed()
    {
        var server = await AzuriteServer.StartAsync(new AzuriteOptions { InstallRoot = RepoPaths.Root });
        Uri endpoint;
        await using (server)
        {
            endpoint = server.BlobEndpoint;
            Assert.Equal("127.0.0.1", endpoint.Host);
            Assert.NotEqual(10000, endpoint.Port);

            var container = new BlobServiceClient(server.ConnectionString).GetBlobContainerClient("smoke");
            await container.CreateIfNotExistsAsync();
            await container.GetBlobClient("hello.txt").UploadAsync(BinaryData.FromString("hello"), overwrite: true);
            var downloaded = await container.GetBlobClient("hello.txt").DownloadContentAsync();
            Assert.Equal("hello", downloaded.Value.Content.ToString());
        }

        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(endpoint.Host, endpoint.Port));
    }

    [Fact]
    public async Task StartAsync_SameDataFolderWhileRunning_ReusesTheRunningAzuriteWithQueuesAndTables()
    {
        var folder = Directory.CreateTempSubdirectory("azurite-reuse-").FullName;
        try
        {
            await using var first = await AzuriteServer.StartAsync(new AzuriteOptions { InstallRoot = RepoPaths.Root, DataFolder = folder });
            await using (var second = await AzuriteServer.StartAsync(new AzuriteOptions { InstallRoot = RepoPaths.Root, DataFolder = folder }))
            {
                Assert.True(first.Started);
                Assert.False(second.Started, "one Azurite per data folder: the second start uses the running one");
                Assert.Equal(first.Endpoints, second.Endpoints);
                await new Azure.Storage.Queues.QueueClient(second.ConnectionString, "reuse").CreateIfNotExistsAsync();
                await new Azure.Data.Tables.TableClient(second.ConnectionString, "reuse").CreateIfNotExistsAsync();
            }

            // Disposing the one that reused it leaves it running for its owner.
            var blob = new BlobServiceClient(first.ConnectionString).GetBlobContainerClient("still-there");
            await blob.CreateIfNotExistsAsync();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void FindExecutable_NotInstalled_SaysHowToInstall()
    {
        var empty = Directory.CreateTempSubdirectory();
        try
        {
            var error = Assert.Throws<AzuriteNotInstalledException>(() => AzuriteLocator.FindExecutable([empty.FullName]));
            Assert.Contains("npm ci", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete();
        }
    }

    [Fact]
    public void FindExecutable_RepositoryRoot_FindsPinnedPackage()
    {
        var path = AzuriteLocator.FindExecutable([RepoPaths.Root]);
        Assert.Equal(Path.Combine(RepoPaths.Root, "node_modules", ".bin", "azurite"), path);
    }
}
