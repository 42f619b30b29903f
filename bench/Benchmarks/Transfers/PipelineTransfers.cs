using Azure.Storage.Blobs;
using HeyGenRender.Pipeline.Activities;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGenRender.Benchmarks.Transfers;

/// <summary>
/// The pipeline's own upload and download activities, composed once per child as a host composes them
/// (<c>AddRenderWorkflow</c>, <c>AddHeyGenClient</c>) and called as the workflow calls them.
/// </summary>
internal sealed class PipelineTransfers : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    // The inbox is where the trust rules let assets be read from; the renders container is where outputs (and the
    // upload's asset index) go.
    private PipelineTransfers(ServiceProvider services) => _services = services;

    /// <summary>For uploads from <paramref name="inbox"/>: a fresh renders container, so no earlier run's asset index finds the content and skips the transfer.</summary>
    public static PipelineTransfers ForUploads(string connection, string inbox, Uri api, string apiKey) =>
        new(Compose(connection, api, apiKey, rendersContainer: "bench-renders-" + Guid.NewGuid().ToString("N")[..12], inbox));

    /// <summary>For downloads into <paramref name="container"/>.</summary>
    public static PipelineTransfers ForDownloads(string connection, string container, Uri api, string apiKey) =>
        new(Compose(connection, api, apiKey, rendersContainer: container, inbox: "bench-inbox"));

    public async Task UploadAsync(string container, string blob, long size)
    {
        await using var scope = _services.CreateAsyncScope();
        var activity = ActivatorUtilities.CreateInstance<UploadAssetActivity>(scope.ServiceProvider);
        var uploaded = await activity.RunAsync(new UploadAssetInput("bench.asset", container, blob));
        if (uploaded.Reused || uploaded.Length != size)
        {
            throw new InvalidOperationException($"The upload activity reported reused={uploaded.Reused}, length={uploaded.Length}; expected a fresh upload of {size} bytes.");
        }
    }

    public async Task DownloadAsync(string videoId, long size, string container, string blob)
    {
        await using var scope = _services.CreateAsyncScope();
        var activity = ActivatorUtilities.CreateInstance<DownloadOutputsActivity>(scope.ServiceProvider);
        var prefix = blob[..blob.LastIndexOf('/')];
        var result = await activity.RunAsync(new DownloadInput(new JobRef(RenderKind.Avatar, videoId), new OutputLocation(container, prefix), prefix));
        var video = result.Files.Single(f => f.Role == "video");
        if (video.Length != size || video.Blob.Name != blob)
        {
            throw new InvalidOperationException($"The download activity stored {video.Length} bytes at {video.Blob}; expected {size} bytes at {blob}.");
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    private static ServiceProvider Compose(string connection, Uri api, string apiKey, string rendersContainer, string inbox)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new BlobServiceClient(connection));
        services.Configure<StorageOptions>(o =>
        {
            o.ConnectionString = connection;
            o.RendersContainer = rendersContainer;
            o.RequestsContainer = inbox;
        });
        services.AddHeyGenClient(o =>
        {
            o.Endpoint = api;
            o.ApiKey = apiKey;
        });
        services.AddRenderWorkflow();
        return services.BuildServiceProvider();
    }
}

/// <summary>A pipeline piece a benchmark needs has not landed yet; the report says which.</summary>
internal sealed class PipelinePieceMissingException(string piece) : Exception($"Not yet in src/Pipeline: {piece}.")
{
    public string Piece { get; } = piece;
}
