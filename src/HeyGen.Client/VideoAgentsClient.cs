using HeyGen.Client.Internal;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>Video Agent: a video from a prompt, and its sessions (get, list, follow-up messages, stop, styles).</summary>
public class VideoAgentsClient
{
    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected VideoAgentsClient()
    {
    }

    internal VideoAgentsClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Starts a Video Agent session: <c>POST /v3/video-agents</c>.</summary>
    /// <param name="request">The prompt and settings.</param>
    /// <param name="idempotencyKey">An <c>Idempotency-Key</c>; only keyed creates are retried.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<VideoAgentSession> CreateAsync(CreateVideoAgentRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Prompt, "request.Prompt");
        return _pipeline.SendAsync(
            HeyGenRoutes.CreateVideoAgent,
            HeyGenRoutes.CreateVideoAgent.Format(),
            HeyGenPipeline.Json(request, HeyGenJsonContext.Default.CreateVideoAgentRequest),
            HeyGenJsonContext.Default.VideoAgentSession,
            CallOptions.Create(idempotencyKey),
            cancellationToken);
    }

    /// <summary>Gets a session with status, progress and messages: <c>GET /v3/video-agents/{session_id}</c>.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<VideoAgentSessionDetail> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.GetVideoAgentSession, HeyGenRoutes.GetVideoAgentSession.Format(sessionId), null, HeyGenJsonContext.Default.VideoAgentSessionDetail, CallOptions.Read, cancellationToken);

    /// <summary>Lists one page of sessions: <c>GET /v3/video-agents</c>.</summary>
    /// <param name="options">Limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<VideoAgentSessionDetail>> GetSessionsPageAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListVideoAgentSessions,
            Query.Build(HeyGenRoutes.ListVideoAgentSessions.Format(), ("limit", Query.Of(options?.Limit)), ("token", options?.Token)),
            HeyGenJsonContext.Default.ListVideoAgentSessionDetail,
            cancellationToken);

    /// <summary>Lists all sessions, page by page.</summary>
    /// <param name="options">Page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The sessions.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<VideoAgentSessionDetail> ListSessionsAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetSessionsPageAsync((options ?? new PageOptions()) with { Token = token }, ct), options?.Token, cancellationToken);

    /// <summary>Sends a follow-up message or revision request: <c>POST /v3/video-agents/{session_id}</c>.</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="request">The message.</param>
    /// <param name="idempotencyKey">An <c>Idempotency-Key</c>; only keyed messages are retried.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run started.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<VideoAgentMessageResult> SendMessageAsync(string sessionId, SendVideoAgentMessageRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(
            HeyGenRoutes.SendVideoAgentMessage,
            HeyGenRoutes.SendVideoAgentMessage.Format(sessionId),
            HeyGenPipeline.Json(request, HeyGenJsonContext.Default.SendVideoAgentMessageRequest),
            HeyGenJsonContext.Default.VideoAgentMessageResult,
            CallOptions.Create(idempotencyKey),
            cancellationToken);
    }

    /// <summary>Stops a session: <c>POST /v3/video-agents/{session_id}/stop</c> (safe to repeat).</summary>
    /// <param name="sessionId">The session id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The stopped session.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<VideoAgentSession> StopAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(
            HeyGenRoutes.StopVideoAgentSession,
            HeyGenRoutes.StopVideoAgentSession.Format(sessionId),
            HeyGenPipeline.Json(new EmptyBody(), HeyGenJsonContext.Default.EmptyBody),
            HeyGenJsonContext.Default.VideoAgentSession,
            new CallOptions(Idempotent: true, IdempotencyKey: null),
            cancellationToken);

    /// <summary>Lists one page of styles: <c>GET /v3/video-agents/styles</c>.</summary>
    /// <param name="options">Limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<VideoAgentStyle>> GetStylesPageAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListVideoAgentStyles,
            Query.Build(HeyGenRoutes.ListVideoAgentStyles.Format(), ("limit", Query.Of(options?.Limit)), ("token", options?.Token)),
            HeyGenJsonContext.Default.ListVideoAgentStyle,
            cancellationToken);

    /// <summary>Lists all styles, page by page.</summary>
    /// <param name="options">Page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The styles.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<VideoAgentStyle> ListStylesAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetStylesPageAsync((options ?? new PageOptions()) with { Token = token }, ct), options?.Token, cancellationToken);
}
