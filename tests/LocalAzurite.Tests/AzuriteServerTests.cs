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
