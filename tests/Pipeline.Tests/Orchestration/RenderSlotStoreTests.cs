using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Orchestration;

/// <summary>The slot semaphore's blob on Azurite, asked by many renders at once, as a burst of renders starting does.</summary>
public sealed class RenderSlotStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTime s_now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static SlotRequest R(string id) => new(id, 10, s_now, s_now.AddHours(2));

    [Fact]
    public async Task Apply_FortyRendersAtOnce_EachGetsTheAnswerOfOneAfterAnother_InFewWrites()
    {
        var (store, writes) = Store(out var blobs, out var container);

        var answers = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => store.ApplyAsync(s => s.Acquire(R($"r{i}"))))));

        // As if applied one by one: ten holders, and thirty waiters at the distinct places 1 to 30.
        Assert.Equal(10, answers.Count(a => a.Granted));
        Assert.Equal(Enumerable.Range(1, 30), answers.Where(a => !a.Granted).Select(a => a.Position).Order());
        var stored = await ReadAsync(blobs, container);
        Assert.Equal(10, stored.Holders.Count);
        Assert.Equal(30, stored.Waiters.Count);

        // Operations asked for while a write is in flight go into the next one: far fewer writes than operations.
        Assert.InRange(writes.Count, 1, 20);
    }

    [Fact]
    public async Task Apply_AnOperationThrows_FailsAlone_AndTheOthersOfItsBatchAreStored()
    {
        var (store, _) = Store(out var blobs, out var container);

        var good = Enumerable.Range(0, 5).Select(i => store.ApplyAsync(s => s.Acquire(R($"g{i}")))).ToList();
        var bad = store.ApplyAsync(s =>
        {
            s.Acquire(R("half-done")); // changes the state, then fails
            throw new InvalidOperationException("broken operation");
        });
        good.AddRange(Enumerable.Range(5, 5).Select(i => store.ApplyAsync(s => s.Acquire(R($"g{i}")))));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("broken operation", error.Message);
        Assert.All(await Task.WhenAll(good), a => Assert.True(a.Granted));
        var stored = await ReadAsync(blobs, container);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"g{i}").Order(), stored.Holders.Select(h => h.InstanceId).Order());
    }

    [Fact]
    public async Task Apply_TwoStoresOnOneBlob_StillMeetAtTheETag()
    {
        // Two hosts (two processes in production): neither overwrites the other's operations.
        var container = AzuriteFixture.UniqueContainerName("slots");
        var options = Options.Create(new StorageOptions { WebhookEventsContainer = container });
        var first = new RenderSlotStore(azurite.CreateServiceClient(), options, TimeProvider.System);
        var second = new RenderSlotStore(azurite.CreateServiceClient(), options, TimeProvider.System);

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).ApplyAsync(s => s.Acquire(R($"r{i}"))))));

        Assert.Equal(10, answers.Count(a => a.Granted));
        Assert.Equal(Enumerable.Range(1, 20), answers.Where(a => !a.Granted).Select(a => a.Position).Order());
        var stored = await ReadAsync(azurite.CreateServiceClient(), container);
        Assert.Equal(30, stored.Holders.Count + stored.Waiters.Count);
    }

    private (RenderSlotStore Store, List<string> Writes) Store(out BlobServiceClient blobs, out string container)
    {
        var writes = new List<string>();
        var clientOptions = new BlobClientOptions();
        clientOptions.AddPolicy(new CountWrites(writes), HttpPipelinePosition.PerCall);
        blobs = azurite.CreateServiceClient(clientOptions);
        container = AzuriteFixture.UniqueContainerName("slots");
        var store = new RenderSlotStore(blobs, Options.Create(new StorageOptions { WebhookEventsContainer = container }), TimeProvider.System);
        return (store, writes);
    }

    private static async Task<RenderSlots> ReadAsync(BlobServiceClient blobs, string container)
    {
        var content = await blobs.GetBlobContainerClient(container).GetBlobClient(RenderSlotStore.BlobName).DownloadContentAsync();
        return System.Text.Json.JsonSerializer.Deserialize<RenderSlots>(content.Value.Content.ToMemory().Span, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web))!;
    }

    /// <summary>Records every PUT of the semaphore's blob the store sends.</summary>
    private sealed class CountWrites(List<string> writes) : HttpPipelineSynchronousPolicy
    {
        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Put && message.Request.Uri.Path.EndsWith(RenderSlotStore.BlobName, StringComparison.Ordinal))
            {
                lock (writes)
                {
                    writes.Add(message.Request.Uri.Path);
                }
            }
        }
    }
}
