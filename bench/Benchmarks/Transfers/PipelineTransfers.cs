namespace HeyGenRender.Benchmarks.Transfers;

/// <summary>The pipeline's own upload and download activities, called exactly as the workflow calls them.</summary>
internal static class PipelineTransfers
{
    public static Task UploadAsync(string connection, string container, string blob, long size, Uri api, string apiKey) =>
        throw new PipelinePieceMissingException("the pipeline's upload activity (blob → HeyGen direct upload)");

    public static Task DownloadAsync(Uri videoUrl, long size, string connection, string container, string blob) =>
        throw new PipelinePieceMissingException("the pipeline's download activity (video_url → blob)");
}

/// <summary>A pipeline piece a benchmark needs has not landed yet; the report says which.</summary>
internal sealed class PipelinePieceMissingException(string piece) : Exception($"Not yet in src/Pipeline: {piece}.")
{
    public string Piece { get; } = piece;
}
