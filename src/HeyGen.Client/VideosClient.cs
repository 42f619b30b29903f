using HeyGen.Client.Internal;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>Videos: create (<c>avatar</c>, <c>image</c>, <c>cinematic_avatar</c>), get, list, delete.</summary>
public class VideosClient
{
    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected VideosClient()
    {
    }

    internal VideosClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Starts a video: <c>POST /v3/videos</c>.</summary>
    /// <param name="request">An <see cref="AvatarVideoRequest"/>, <see cref="ImageVideoRequest"/> or <see cref="CinematicAvatarVideoRequest"/>.</param>
    /// <param name="idempotencyKey">An <c>Idempotency-Key</c>: HeyGen replays the first answer for 24 h, and only keyed creates are retried.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new video's id.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<CreatedVideo> CreateAsync(CreateVideoRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(
            HeyGenRoutes.CreateVideo,
            HeyGenRoutes.CreateVideo.Format(),
            HeyGenPipeline.Json(request, HeyGenJsonContext.Default.CreateVideoRequest),
            HeyGenJsonContext.Default.CreatedVideo,
            CallOptions.Create(idempotencyKey),
            cancellationToken);
    }

    /// <summary>Gets a video and its status: <c>GET /v3/videos/{video_id}</c>. Each call returns a fresh download URL.</summary>
    /// <param name="videoId">The video id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The video.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error (404 <c>video_not_found</c>).</exception>
    public virtual Task<VideoDetail> GetAsync(string videoId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.GetVideo, HeyGenRoutes.GetVideo.Format(videoId), null, HeyGenJsonContext.Default.VideoDetail, CallOptions.Read, cancellationToken);

    /// <summary>Lists one page of videos: <c>GET /v3/videos</c>.</summary>
    /// <param name="options">Filters, limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<VideoDetail>> GetPageAsync(VideoListOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListVideos,
            Query.Build(HeyGenRoutes.ListVideos.Format(), ("limit", Query.Of(options?.Limit)), ("token", options?.Token), ("folder_id", options?.FolderId), ("title", options?.Title)),
            HeyGenJsonContext.Default.ListVideoDetail,
            cancellationToken);

    /// <summary>Lists all videos, page by page.</summary>
    /// <param name="options">Filters, page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The videos.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<VideoDetail> ListAsync(VideoListOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetPageAsync((options ?? new VideoListOptions()) with { Token = token }, ct), options?.Token, cancellationToken);

    /// <summary>Deletes a video: <c>DELETE /v3/videos/{video_id}</c>.</summary>
    /// <param name="videoId">The video id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deletion result.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<DeleteResult> DeleteAsync(string videoId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.DeleteVideo, HeyGenRoutes.DeleteVideo.Format(videoId), null, HeyGenJsonContext.Default.DeleteResult, CallOptions.Read, cancellationToken);
}
