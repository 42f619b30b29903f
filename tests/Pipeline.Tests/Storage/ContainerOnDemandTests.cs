using Azure;
using Azure.Storage.Blobs;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Storage;

/// <summary>Writes that find their container missing make it, on Azurite; nothing else is swallowed.</summary>
public sealed class ContainerOnDemandTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Write_ContainerMissing_CreatesItAndWritesOnce()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, AzuriteFixture.UniqueContainerName("on-demand"));
        var attempts = 0;

        await ContainerOnDemand.WriteAsync(container, () => { attempts++; return container.GetBlobClient("a.txt").UploadAsync(BinaryData.FromString("a")); }, CancellationToken.None);

        Assert.Equal(2, attempts);
        Assert.Equal("a", (await container.GetBlobClient("a.txt").DownloadContentAsync()).Value.Content.ToString());

        // Once it exists, a write is one attempt: no container request before it.
        attempts = 0;
        await ContainerOnDemand.WriteAsync(container, () => { attempts++; return container.GetBlobClient("b.txt").UploadAsync(BinaryData.FromString("b")); }, CancellationToken.None);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task Write_OtherFailure_IsNotRetriedAndCreatesNothing()
    {
        var container = new BlobContainerClient(azurite.ConnectionString, AzuriteFixture.UniqueContainerName("on-demand"));
        await container.CreateAsync();
        await container.GetBlobClient("taken.txt").UploadAsync(BinaryData.FromString("first"));
        var attempts = 0;

        var error = await Assert.ThrowsAsync<RequestFailedException>(() => ContainerOnDemand.WriteAsync(
            container,
            () => { attempts++; return container.GetBlobClient("taken.txt").UploadAsync(BinaryData.FromString("second"), overwrite: false); },
            CancellationToken.None));

        Assert.Equal(409, error.Status);
        Assert.Equal(1, attempts);
        Assert.Equal("first", (await container.GetBlobClient("taken.txt").DownloadContentAsync()).Value.Content.ToString());
    }

    [Fact]
    public async Task JobStore_RendersContainerMissing_StoresTheSpecAndKnowsItAfterwards()
    {
        var options = Options.Create(new StorageOptions { RendersContainer = AzuriteFixture.UniqueContainerName("renders") });
        var store = new RenderJobStore(new BlobServiceClient(azurite.ConnectionString), options);
        var spec = "{\"kind\":\"avatar_video\"}"u8.ToArray();

        Assert.Equal(JobStoreOutcome.Created, await store.SaveAsync("r-1", spec));
        Assert.Equal(JobStoreOutcome.AlreadyStoredSame, await store.SaveAsync("r-1", spec));
        Assert.Equal(JobStoreOutcome.AlreadyStoredDifferent, await store.SaveAsync("r-1", "{}"u8.ToArray()));
    }
}
