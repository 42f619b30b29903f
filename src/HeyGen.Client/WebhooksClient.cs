using HeyGen.Client.Internal;
using HeyGen.Client.Serialization;

namespace HeyGen.Client;

/// <summary>
/// Webhook endpoints (create, list, update, delete, rotate the secret), event types and delivered events.
/// To check an incoming delivery use <see cref="WebhookVerifier"/>.
/// </summary>
public class WebhooksClient
{
    private readonly HeyGenPipeline _pipeline = null!;

    /// <summary>For mocking.</summary>
    protected WebhooksClient()
    {
    }

    internal WebhooksClient(HeyGenPipeline pipeline) => _pipeline = pipeline;

    /// <summary>Registers an endpoint: <c>POST /v3/webhooks/endpoints</c>. The answer carries the signing secret, once.</summary>
    /// <param name="request">URL and event types.</param>
    /// <param name="idempotencyKey">An <c>Idempotency-Key</c>; only keyed creates are retried.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint with its <see cref="WebhookEndpoint.Secret"/>.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error (409 <c>conflict</c> if the URL is registered).</exception>
    public virtual Task<WebhookEndpoint> CreateEndpointAsync(CreateWebhookEndpointRequest request, string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Url, "request.Url");
        return _pipeline.SendAsync(
            HeyGenRoutes.CreateWebhookEndpoint,
            HeyGenRoutes.CreateWebhookEndpoint.Format(),
            HeyGenPipeline.Json(request, HeyGenJsonContext.Default.CreateWebhookEndpointRequest),
            HeyGenJsonContext.Default.WebhookEndpoint,
            CallOptions.Create(idempotencyKey),
            cancellationToken);
    }

    /// <summary>Lists one page of endpoints: <c>GET /v3/webhooks/endpoints</c> (secrets are null here).</summary>
    /// <param name="options">Limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<WebhookEndpoint>> GetEndpointsPageAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListWebhookEndpoints,
            Query.Build(HeyGenRoutes.ListWebhookEndpoints.Format(), ("limit", Query.Of(options?.Limit)), ("token", options?.Token)),
            HeyGenJsonContext.Default.ListWebhookEndpoint,
            cancellationToken);

    /// <summary>Lists all endpoints, page by page.</summary>
    /// <param name="options">Page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The endpoints.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<WebhookEndpoint> ListEndpointsAsync(PageOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetEndpointsPageAsync((options ?? new PageOptions()) with { Token = token }, ct), options?.Token, cancellationToken);

    /// <summary>Changes an endpoint's URL or events: <c>PATCH /v3/webhooks/endpoints/{endpoint_id}</c>.</summary>
    /// <param name="endpointId">The endpoint id.</param>
    /// <param name="request">The fields to change.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<WebhookEndpoint> UpdateEndpointAsync(string endpointId, UpdateWebhookEndpointRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _pipeline.SendAsync(
            HeyGenRoutes.UpdateWebhookEndpoint,
            HeyGenRoutes.UpdateWebhookEndpoint.Format(endpointId),
            HeyGenPipeline.Json(request, HeyGenJsonContext.Default.UpdateWebhookEndpointRequest),
            HeyGenJsonContext.Default.WebhookEndpoint,
            new CallOptions(Idempotent: true, IdempotencyKey: null),
            cancellationToken);
    }

    /// <summary>Removes an endpoint: <c>DELETE /v3/webhooks/endpoints/{endpoint_id}</c>.</summary>
    /// <param name="endpointId">The endpoint id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the endpoint is gone.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task DeleteEndpointAsync(string endpointId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.DeleteWebhookEndpoint, HeyGenRoutes.DeleteWebhookEndpoint.Format(endpointId), null, HeyGenJsonContext.Default.DeleteResult, CallOptions.Read, cancellationToken);

    /// <summary>
    /// Rotates the signing secret: <c>POST /v3/webhooks/endpoints/{endpoint_id}/rotate-secret</c>. The old secret
    /// stops working at once; keep both in <see cref="WebhookVerifier"/> while the new one rolls out.
    /// Not retried: a retry would rotate twice.
    /// </summary>
    /// <param name="endpointId">The endpoint id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new secret.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<WebhookSecretRotation> RotateSecretAsync(string endpointId, CancellationToken cancellationToken = default) =>
        _pipeline.SendAsync(HeyGenRoutes.RotateWebhookSecret, HeyGenRoutes.RotateWebhookSecret.Format(endpointId), null, HeyGenJsonContext.Default.WebhookSecretRotation, CallOptions.Create(null), cancellationToken);

    /// <summary>Lists the supported event types: <c>GET /v3/webhooks/event-types</c>.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The event types.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual async Task<IReadOnlyList<WebhookEventTypeInfo>> GetEventTypesAsync(CancellationToken cancellationToken = default)
    {
        var page = await _pipeline.SendPageAsync(HeyGenRoutes.ListWebhookEventTypes, HeyGenRoutes.ListWebhookEventTypes.Format(), HeyGenJsonContext.Default.ListWebhookEventTypeInfo, cancellationToken).ConfigureAwait(false);
        return page.Items;
    }

    /// <summary>Lists one page of delivered events: <c>GET /v3/webhooks/events</c>.</summary>
    /// <param name="options">Filters, limit and cursor.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The page.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual Task<HeyGenPage<WebhookEventRecord>> GetEventsPageAsync(WebhookEventListOptions? options = null, CancellationToken cancellationToken = default) =>
        _pipeline.SendPageAsync(
            HeyGenRoutes.ListWebhookEvents,
            Query.Build(
                HeyGenRoutes.ListWebhookEvents.Format(),
                ("event_type", options?.EventType?.Value),
                ("entity_id", options?.EntityId),
                ("limit", Query.Of(options?.Limit)),
                ("token", options?.Token)),
            HeyGenJsonContext.Default.ListWebhookEventRecord,
            cancellationToken);

    /// <summary>Lists all delivered events, page by page.</summary>
    /// <param name="options">Filters, page size and a starting cursor.</param>
    /// <param name="cancellationToken">Cancels the enumeration.</param>
    /// <returns>The events.</returns>
    /// <exception cref="HeyGenException">HeyGen answered with an error.</exception>
    public virtual IAsyncEnumerable<WebhookEventRecord> ListEventsAsync(WebhookEventListOptions? options = null, CancellationToken cancellationToken = default) =>
        HeyGenPipeline.PaginateAsync((token, ct) => GetEventsPageAsync((options ?? new WebhookEventListOptions()) with { Token = token }, ct), options?.Token, cancellationToken);
}
