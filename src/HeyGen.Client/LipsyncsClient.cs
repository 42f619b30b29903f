using HeyGen.Client.Internal;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>Lipsyncs: create, get, list, update the title, delete. There is no lipsync webhook event: poll.</summary>
public class LipsyncsClient
{
    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected LipsyncsClient()
    {
    }

    internal LipsyncsClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Starts a lipsync: <c>POST /v3/lipsyncs</c>.</summary>
    /// <param name="request">The video and the new audio.</param>
    /// <param name="idempotencyKey">An <c>Idempotency-Key</c>; only keyed creates are retried.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new lipsync's id.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<CreatedLipsync> CreateAsync(CreateLipsyncRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(
            HeyGenRoutes.CreateLipsync,
            HeyGenRoutes.CreateLipsync.Format(),
            HeyGenPipeline.Json(request, HeyGenJsonContext.Default.CreateLipsyncRequest),
            HeyGenJsonContext.Default.CreatedLipsync,
            CallOptions.Create(idempotencyKey),
            cancellationToken);
    }

    /// <summary>Gets a lipsync: <c>GET /v3/lipsyncs/{lipsync_id}</c>.</summary>
    /// <param name="lipsyncId">The lipsync id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lipsync.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<Lipsync> GetAsync(string lipsyncId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.GetLipsync, HeyGenRoutes.GetLipsync.Format(lipsyncId), null, HeyGenJsonContext.Default.Lipsync, CallOptions.Read, cancellationToken);

    /// <summary>Lists one page of lipsyncs: <c>GET /v3/lipsyncs</c>.</summary>
    /// <param name="options">Limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<Lipsync>> GetPageAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListLipsyncs,
            Query.Build(HeyGenRoutes.ListLipsyncs.Format(), ("limit", Query.Of(options?.Limit)), ("token", options?.Token)),
            HeyGenJsonContext.Default.ListLipsync,
            cancellationToken);

    /// <summary>Lists all lipsyncs, page by page.</summary>
    /// <param name="options">Page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The lipsyncs.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<Lipsync> ListAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetPageAsync((options ?? new PageOptions()) with { Token = token }, ct), options?.Token, cancellationToken);

    /// <summary>Renames a lipsync: <c>PATCH /v3/lipsyncs/{lipsync_id}</c>.</summary>
    /// <param name="lipsyncId">The lipsync id.</param>
    /// <param name="title">The new title.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lipsync.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<Lipsync> UpdateAsync(string lipsyncId, string title, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        return _pipeline.SendAsync(
            HeyGenRoutes.UpdateLipsync,
            HeyGenRoutes.UpdateLipsync.Format(lipsyncId),
            HeyGenPipeline.Json(new UpdateTitleRequest { Title = title }, HeyGenJsonContext.Default.UpdateTitleRequest),
            HeyGenJsonContext.Default.Lipsync,
            new CallOptions(Idempotent: true, IdempotencyKey: null),
            cancellationToken);
    }

    /// <summary>Deletes a lipsync: <c>DELETE /v3/lipsyncs/{lipsync_id}</c>.</summary>
    /// <param name="lipsyncId">The lipsync id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The deletion result.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<DeleteResult> DeleteAsync(string lipsyncId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.DeleteLipsync, HeyGenRoutes.DeleteLipsync.Format(lipsyncId), null, HeyGenJsonContext.Default.DeleteResult, CallOptions.Read, cancellationToken);
}
