using HeyGen.Client.Internal;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>Video translations: create, get, list, update the title, delete, languages, caption.</summary>
public class VideoTranslationsClient
{
    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected VideoTranslationsClient()
    {
    }

    internal VideoTranslationsClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Starts translations, one per output language: <c>POST /v3/video-translations</c>.</summary>
    /// <param name="request">The source video and target languages.</param>
    /// <param name="idempotencyKey">An <c>Idempotency-Key</c>; only keyed creates are retried.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new translation ids.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<CreatedVideoTranslations> CreateAsync(CreateVideoTranslationRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.OutputLanguages is null || request.OutputLanguages.Count == 0)
        {
            throw new ArgumentException("request.OutputLanguages needs at least one language.", nameof(request));
        }

        return _pipeline.SendAsync(
            HeyGenRoutes.CreateVideoTranslation,
            HeyGenRoutes.CreateVideoTranslation.Format(),
            HeyGenPipeline.Json(request, HeyGenJsonContext.Default.CreateVideoTranslationRequest),
            HeyGenJsonContext.Default.CreatedVideoTranslations,
            CallOptions.Create(idempotencyKey),
            cancellationToken);
    }

    /// <summary>Gets a translation: <c>GET /v3/video-translations/{video_translation_id}</c>.</summary>
    /// <param name="videoTranslationId">The translation id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The translation.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<VideoTranslation> GetAsync(string videoTranslationId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.GetVideoTranslation, HeyGenRoutes.GetVideoTranslation.Format(videoTranslationId), null, HeyGenJsonContext.Default.VideoTranslation, CallOptions.Read, cancellationToken);

    /// <summary>Lists one page of translations: <c>GET /v3/video-translations</c>.</summary>
    /// <param name="options">Limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<VideoTranslation>> GetPageAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListVideoTranslations,
            Query.Build(HeyGenRoutes.ListVideoTranslations.Format(), ("limit", Query.Of(options?.Limit)), ("token", options?.Token)),
            HeyGenJsonContext.Default.ListVideoTranslation,
            cancellationToken);

    /// <summary>Lists all translations, page by page.</summary>
    /// <param name="options">Page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The translations.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<VideoTranslation> ListAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetPageAsync((options ?? new PageOptions()) with { Token = token }, ct), options?.Token, cancellationToken);

    /// <summary>Renames a translation: <c>PATCH /v3/video-translations/{video_translation_id}</c>.</summary>
    /// <param name="videoTranslationId">The translation id.</param>
    /// <param name="title">The new title.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The translation.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<VideoTranslation> UpdateAsync(string videoTranslationId, string title, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        return _pipeline.SendAsync(
            HeyGenRoutes.UpdateVideoTranslation,
            HeyGenRoutes.UpdateVideoTranslation.Format(videoTranslationId),
            HeyGenPipeline.Json(new UpdateTitleRequest { Title = title }, HeyGenJsonContext.Default.UpdateTitleRequest),
            HeyGenJsonContext.Default.VideoTranslation,
            new CallOptions(Idempotent: true, IdempotencyKey: null),
            cancellationToken);
    }

    /// <summary>Deletes a translation: <c>DELETE /v3/video-translations/{video_translation_id}</c>.</summary>
    /// <param name="videoTranslationId">The translation id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deletion result.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<DeleteResult> DeleteAsync(string videoTranslationId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.DeleteVideoTranslation, HeyGenRoutes.DeleteVideoTranslation.Format(videoTranslationId), null, HeyGenJsonContext.Default.DeleteResult, CallOptions.Read, cancellationToken);

    /// <summary>Lists the target languages: <c>GET /v3/video-translations/languages</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The language names.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<VideoTranslationLanguages> GetLanguagesAsync(CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.ListVideoTranslationLanguages, HeyGenRoutes.ListVideoTranslationLanguages.Format(), null, HeyGenJsonContext.Default.VideoTranslationLanguages, CallOptions.Read, cancellationToken);

    /// <summary>Gets the caption file URL: <c>GET /v3/video-translations/{video_translation_id}/caption</c>.</summary>
    /// <param name="videoTranslationId">The translation id.</param>
    /// <param name="format"><c>srt</c> or <c>vtt</c>; HeyGen's default when null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The caption URL.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error (409 <c>resource_not_ready</c> while running).</exception>
    public virtual Task<VideoTranslationCaption> GetCaptionAsync(string videoTranslationId, string? format = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(
            HeyGenRoutes.GetVideoTranslationCaption,
            Query.Build(HeyGenRoutes.GetVideoTranslationCaption.Format(videoTranslationId), ("format", format)),
            null,
            HeyGenJsonContext.Default.VideoTranslationCaption,
            CallOptions.Read,
            cancellationToken);
}
