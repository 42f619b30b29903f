using System.Security.Cryptography;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using HeyGen.Client;
using HeyGen.Emulator;
using HeyGen.Emulator.Media;
using HeyGenRender.Pipeline.Activities;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Transfers;
using HeyGenRender.Pipeline.Workflow;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace HeyGenRender.Pipeline.Tests.Transfers;

/// <summary>Runs alone: the memory assertion reads the process-wide allocation counter that parallel tests would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TransferCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Transfers (serial, Azurite)";
}

/// <summary>The pipeline's transfers against real blob storage (Azurite) and the HeyGen emulator's direct upload.</summary>
[Collection(TransferCollection.Name)]
public sealed class TransferTests(AzuriteFixture azurite, ITestOutputHelper output)
{
    // An ftyp box so the emulator's complete step sees an MP4, as the declared content type says.
    private static readonly byte[] s_ftyp =
    [
        0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m',
        0, 0, 2, 0, (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1',
    ];

    private static SyntheticVideoStream Source(long length, ulong seed = 3) => new(s_ftyp, length, seed);

    private static string Sha256Of(long length, ulong seed = 3)
    {
        using var source = Source(length, seed);
        return Convert.ToHexStringLower(SHA256.HashData(source));
    }

    [Fact]
    public async Task CopyAsync_256MiB_StoresEveryByteWithoutGrowingMemory()
    {
        const long size = 256L * 1024 * 1024;
        var container = azurite.CreateServiceClient().GetBlobContainerClient(AzuriteFixture.UniqueContainerName("copy"));
        await container.CreateAsync();
        var target = container.GetBlockBlobClient("video.mp4");

        // Warm up the pool and the HTTP connection so the measurement sees the steady state.
        await using (var warm = Source(HttpToBlobTransfer.BlockSize * 2L))
        {
            await HttpToBlobTransfer.CopyAsync(warm, warm.Length, container.GetBlockBlobClient("warm.mp4"), "video/mp4");
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        (string Sha256, long Length, bool Existing) result;
        await using (var body = Source(size))
        {
            result = await HttpToBlobTransfer.CopyAsync(body, size, target, "video/mp4");
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        output.WriteLine($"allocated {allocated / 1024.0 / 1024.0:F1} MiB for {size / 1024 / 1024} MiB");

        Assert.Equal(size, result.Length);
        Assert.False(result.Existing);
        Assert.Equal(Sha256Of(size), result.Sha256);
        await HttpToBlobTransfer.VerifyAsync(target, result.Sha256, size);
        // Bounded: the blocks come from a pool; a copy that buffered the file would allocate at least its size.
        Assert.True(allocated < 32L * 1024 * 1024, $"{allocated} bytes allocated");
        await container.DeleteAsync();
    }

    [Fact]
    public async Task CopyAsync_BlockDamagedOnTheWay_StorageRefusesItAndNothingIsCommitted()
    {
        var options = new BlobClientOptions();
        var damage = new DamageFirstBlockPolicy();
        options.AddPolicy(damage, HttpPipelinePosition.PerRetry);
        var container = azurite.CreateServiceClient(options).GetBlobContainerClient(AzuriteFixture.UniqueContainerName("md5"));
        await container.CreateAsync();
        var target = container.GetBlockBlobClient("video.mp4");

        await using var body = Source(HttpToBlobTransfer.BlockSize + 1000L);
        var error = await Assert.ThrowsAsync<RequestFailedException>(() => HttpToBlobTransfer.CopyAsync(body, body.Length, target, "video/mp4"));

        Assert.True(damage.Damaged);
        Assert.Equal(400, error.Status);
        Assert.Equal("Md5Mismatch", error.ErrorCode);
        Assert.False(await target.ExistsAsync());
    }

    [Fact]
    public async Task CopyAsync_FewerBytesThanAnnounced_ThrowsAndCommitsNothing()
    {
        var container = azurite.CreateServiceClient().GetBlobContainerClient(AzuriteFixture.UniqueContainerName("short"));
        await container.CreateAsync();
        var target = container.GetBlockBlobClient("video.mp4");
        await using var body = Source(5000);

        await Assert.ThrowsAsync<InvalidDataException>(() => HttpToBlobTransfer.CopyAsync(body, 6000, target, "video/mp4"));
        Assert.False(await target.ExistsAsync());
    }

    [Fact]
    public async Task VerifyAsync_BlobCommittedEarlierWithOtherContent_Throws()
    {
        var container = azurite.CreateServiceClient().GetBlobContainerClient(AzuriteFixture.UniqueContainerName("other"));
        await container.CreateAsync();
        var target = container.GetBlockBlobClient("video.mp4");
        await using (var first = Source(9000, seed: 1))
        {
            await HttpToBlobTransfer.CopyAsync(first, 9000, target, "video/mp4");
        }

        await using var second = Source(9000, seed: 2);
        var (sha, length, existing) = await HttpToBlobTransfer.CopyAsync(second, 9000, target, "video/mp4");

        Assert.True(existing);
        await Assert.ThrowsAsync<InvalidDataException>(() => HttpToBlobTransfer.VerifyAsync(target, sha, length));
        await HttpToBlobTransfer.VerifyAsync(target, Sha256Of(9000, seed: 1), 9000);
    }

    [Fact]
    public async Task UploadAsset_Sha256InMetadata_ReadsTheBlobOnceAndUploads()
    {
        const long size = 9L * 1024 * 1024;
        await using var world = await World.StartAsync(azurite);
        await world.CreateSourceAsync(size, Sha256Of(size));

        var uploaded = await world.UploadAsync();

        Assert.False(uploaded.Reused);
        Assert.Equal(Sha256Of(size), uploaded.Sha256);
        Assert.Equal(size, uploaded.Length);
        Assert.Equal(1, world.SourceReads);
        Assert.Equal("ready", world.Emulator.State.Assets.Single(a => a.Id == uploaded.AssetId).Status);
    }

    [Fact]
    public async Task UploadAsset_WrongSha256InMetadata_HeyGenRefusesThePutAndTheHashedRetrySucceeds()
    {
        const long size = 5L * 1024 * 1024;
        await using var world = await World.StartAsync(azurite);
        await world.CreateSourceAsync(size, Sha256Of(size, seed: 99));

        var uploaded = await world.UploadAsync();

        Assert.False(uploaded.Reused);
        Assert.Equal(Sha256Of(size), uploaded.Sha256);
        // The refused PUT, the hashing pass (a small file), the accepted PUT.
        Assert.Equal(3, world.SourceReads);
        Assert.Equal("ready", world.Emulator.State.Assets.Single(a => a.Id == uploaded.AssetId).Status);
    }

    [Fact]
    public async Task UploadAsset_NoMetadataLargeFile_HashesWhileUploadingInOneReadAndIdenticalContentIsReusedAfterwards()
    {
        const long size = UploadAssetActivity.HashFirstBelowBytes + 17;
        await using var world = await World.StartAsync(azurite);
        await world.CreateSourceAsync(size, sha256: null);

        var first = await world.UploadAsync();
        var readsAfterFirst = world.SourceReads;
        await world.CreateSourceAsync(size, Sha256Of(size), name: "copy.mp4");
        var second = await world.UploadAsync("copy.mp4");

        Assert.False(first.Reused);
        Assert.Equal(Sha256Of(size), first.Sha256);
        Assert.Equal(1, readsAfterFirst);
        Assert.Equal("ready", world.Emulator.State.Assets.Single(a => a.Id == first.AssetId).Status);
        Assert.True(second.Reused);
        Assert.Equal(first.AssetId, second.AssetId);
        Assert.Equal(1, world.SourceReads);
    }

    [Fact]
    public async Task UploadAsset_NoMetadataSmallFile_HashesFirstSoACopyUnderAnotherNameIsReused()
    {
        const long size = 5L * 1024 * 1024 + 17;
        await using var world = await World.StartAsync(azurite);
        await world.CreateSourceAsync(size, sha256: null);
        await world.CreateSourceAsync(size, sha256: null, name: "copy.mp4");

        var first = await world.UploadAsync();
        var readsAfterFirst = world.SourceReads;
        var second = await world.UploadAsync("copy.mp4");

        Assert.Equal(Sha256Of(size), first.Sha256);
        Assert.Equal(2, readsAfterFirst); // the hashing pass, then the PUT
        Assert.True(second.Reused);
        Assert.Equal(first.AssetId, second.AssetId);
        Assert.Equal(3, world.SourceReads); // only the copy's hashing pass
    }

    [Fact]
    public async Task UploadAsset_NoMetadataLargeFile_ASecondRunOfTheSameBlobReusesWithoutReading()
    {
        const long size = UploadAssetActivity.HashFirstBelowBytes;
        await using var world = await World.StartAsync(azurite);
        await world.CreateSourceAsync(size, sha256: null);

        var first = await world.UploadAsync();
        var second = await world.UploadAsync();

        Assert.True(second.Reused);
        Assert.Equal(first.AssetId, second.AssetId);
        Assert.Equal(first.Sha256, second.Sha256);
        Assert.Equal(1, world.SourceReads);
        Assert.Single(world.Emulator.State.Assets);
    }

    [Fact]
    public async Task UploadAsset_NoMetadataLargeFile_BlobRewrittenWithOtherContent_UploadsTheNewBytes()
    {
        const long size = UploadAssetActivity.HashFirstBelowBytes;
        await using var world = await World.StartAsync(azurite);
        await world.CreateSourceAsync(size, sha256: null);
        var first = await world.UploadAsync();

        await world.CreateSourceAsync(size, sha256: null, seed: 8);
        var second = await world.UploadAsync();

        Assert.False(second.Reused);
        Assert.NotEqual(first.AssetId, second.AssetId);
        Assert.Equal(Sha256Of(size, seed: 8), second.Sha256);
        Assert.Equal(2, world.SourceReads);
    }

    [Fact]
    public async Task UploadAsset_NoMetadataLargeFile_BytesChangedOnTheWayToHeyGen_CompleteRefusesAndNothingIsRecorded()
    {
        const long size = UploadAssetActivity.HashFirstBelowBytes;
        await using var world = await World.StartAsync(azurite, damageUploads: true);
        await world.CreateSourceAsync(size, sha256: null);

        var error = await Assert.ThrowsAsync<HeyGenException>(() => world.UploadAsync());

        Assert.Equal(400, error.Status);
        Assert.Equal("checksum_sha256", error.Param);
        Assert.NotEqual("ready", world.Emulator.State.Assets.Single().Status);
        Assert.Null(await world.Index.FindAsync(Sha256Of(size)));
    }

    // A run stopped between HeyGen's complete and the index write: the next run replays the initialize, finds the asset
    // complete, and records it; nothing is uploaded twice. Both paths: a hash declared at initialize, and one taken while streaming.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task UploadAsset_RunAgainAfterStoppingBeforeTheIndexWrite_KeepsTheCompletedAssetAndRecordsIt(bool sha256Metadata)
    {
        const long size = UploadAssetActivity.HashFirstBelowBytes + 3;
        await using var world = await World.StartAsync(azurite);
        await world.CreateSourceAsync(size, sha256Metadata ? Sha256Of(size) : null);
        var first = await world.UploadAsync();
        await world.ForgetIndexAsync();

        var again = await world.UploadAsync();

        Assert.Equal(first.AssetId, again.AssetId);
        Assert.Equal(Sha256Of(size), again.Sha256);
        Assert.Single(world.Emulator.State.Assets);
        Assert.Equal(first.AssetId, (await world.Index.FindAsync(Sha256Of(size)))?.AssetId);
    }

    /// <summary>Replaces the body of the first Put Block with the same number of different bytes, keeping its Content-MD5.</summary>
    private sealed class DamageFirstBlockPolicy : HttpPipelinePolicy
    {
        public bool Damaged { get; private set; }

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) => throw new NotSupportedException();

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (!Damaged && message.Request.Method == RequestMethod.Put && message.Request.Uri.Query.Contains("comp=block&", StringComparison.Ordinal) && message.Request.Content is { } content)
            {
                using var copy = new MemoryStream();
                await content.WriteToAsync(copy, message.CancellationToken);
                var bytes = copy.ToArray();
                bytes[bytes.Length / 2] ^= 0xFF;
                message.Request.Content = RequestContent.Create(bytes);
                Damaged = true;
            }

            await ProcessNextAsync(message, pipeline);
        }
    }

    /// <summary>Counts GETs of blobs in the source container (reads of the asset's bytes).</summary>
    private sealed class ReadCounter(string container) : HttpPipelinePolicy
    {
        private int _reads;

        public int Reads => _reads;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Count(message);
            ProcessNext(message, pipeline);
        }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            Count(message);
            return ProcessNextAsync(message, pipeline);
        }

        private void Count(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Get && message.Request.Uri.Path.Contains("/" + container + "/", StringComparison.Ordinal) && !message.Request.Uri.Query.Contains("comp=", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _reads);
            }
        }
    }

    /// <summary>Replaces the body of every PUT with the same number of bytes, one of them changed.</summary>
    private sealed class DamagePutHandler : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Put && request.Content is { } content)
            {
                var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
                bytes[bytes.Length / 2] ^= 0xFF;
                var damaged = new ByteArrayContent(bytes);
                foreach (var (name, values) in content.Headers)
                {
                    damaged.Headers.TryAddWithoutValidation(name, values);
                }

                request.Content = damaged;
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class World : IAsyncDisposable
    {
        private readonly ServiceProvider _services;
        private readonly ReadCounter _counter;
        private readonly BlobContainerClient _source;

        private World(HeyGenEmulatorHost emulator, ServiceProvider services, ReadCounter counter, BlobContainerClient source)
        {
            Emulator = emulator;
            _services = services;
            _counter = counter;
            _source = source;
        }

        public HeyGenEmulatorHost Emulator { get; }

        public int SourceReads => _counter.Reads;

        public AssetIndex Index => _services.GetRequiredService<AssetIndex>();

        /// <param name="azurite">The storage.</param>
        /// <param name="damageUploads">Flip one byte of every upload PUT on its way to HeyGen, keeping its length.</param>
        public static async Task<World> StartAsync(AzuriteFixture azurite, bool damageUploads = false)
        {
            var time = new ManualTimeProvider();
            var emulator = await HeyGenEmulatorHost.StartAsync(new EmulatorOptions { ApiKey = "test-key", RateLimitPerMinute = 0 }, time);
            var sourceName = AzuriteFixture.UniqueContainerName("assets");
            var counter = new ReadCounter(sourceName);
            var blobOptions = new BlobClientOptions();
            blobOptions.AddPolicy(counter, HttpPipelinePosition.PerRetry);
            var blobs = azurite.CreateServiceClient(blobOptions);
            var source = blobs.GetBlobContainerClient(sourceName);
            await source.CreateAsync();

            var services = new ServiceCollection();
            services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
            services.AddSingleton<TimeProvider>(time);
            services.AddSingleton(blobs);
            services.AddSingleton(Options.Create(new StorageOptions { ConnectionString = azurite.ConnectionString, RequestsContainer = sourceName, RendersContainer = AzuriteFixture.UniqueContainerName("renders") }));
            var heyGen = services.AddHeyGenClient(o =>
            {
                o.Endpoint = emulator.BaseAddress;
                o.ApiKey = emulator.ApiKey;
                o.TimeProvider = time;
                o.RetryJitter = false;
            });
            if (damageUploads)
            {
                heyGen.AddHttpMessageHandler(() => new DamagePutHandler());
            }

            services.AddRenderWorkflow();
            return new World(emulator, services.BuildServiceProvider(), counter, source);
        }

        public async Task CreateSourceAsync(long size, string? sha256, string name = "asset.mp4", ulong seed = 3)
        {
            await using var content = Source(size, seed);
            await _source.GetBlobClient(name).UploadAsync(content, new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "video/mp4" },
                Metadata = sha256 is null ? null : new Dictionary<string, string> { [HttpToBlobTransfer.Sha256Metadata] = sha256 },
            });
        }

        /// <summary>Deletes every record of the asset index, as if the runs that wrote them had stopped just before.</summary>
        public async Task ForgetIndexAsync()
        {
            var container = _services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(_services.GetRequiredService<IOptions<StorageOptions>>().Value.RendersContainer);
            await foreach (var item in container.GetBlobsAsync(new GetBlobsOptions { Prefix = AssetIndex.Prefix }))
            {
                await container.DeleteBlobAsync(item.Name);
            }
        }

        public Task<UploadedAsset> UploadAsync(string name = "asset.mp4") =>
            ActivatorUtilities.CreateInstance<UploadAssetActivity>(_services).RunAsync(new UploadAssetInput("assets/" + name, _source.Name, name));

        public async ValueTask DisposeAsync()
        {
            await _services.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }
}
