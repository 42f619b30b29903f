using HeyGenRender.Pipeline.Jobs;

namespace HeyGenRender.Pipeline.Storage;

/// <summary>The pipeline's storage account and container names (configuration section <c>Storage</c>).</summary>
public sealed class StorageOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Storage";

    /// <summary>Blob service URI, used with managed identity in Azure; takes precedence over <see cref="ConnectionString"/>.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary>Connection string, for Azurite and local runs.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Queue service URI, with managed identity; when unset, <see cref="BlobServiceUri"/> with <c>.blob.</c> read as <c>.queue.</c>.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>
    /// The webhook journal queue: verified deliveries, written before they are acknowledged (the Functions app's queue
    /// trigger reads it). Unset: the same name as <see cref="WebhookEventsContainer"/> (queues and containers are
    /// separate namespaces), so a host with its own events container has its own journal too.
    /// </summary>
    public string? WebhookQueue { get; set; }

    /// <summary>The journal queue's name: <see cref="WebhookQueue"/>, or else <see cref="WebhookEventsContainer"/>.</summary>
    public string WebhookQueueName => string.IsNullOrEmpty(WebhookQueue) ? WebhookEventsContainer : WebhookQueue;

    /// <summary>Inbox: job specs dropped here start renders.</summary>
    public string RequestsContainer { get; set; } = "render-requests";

    /// <summary>Outputs: <c>{id}/video.mp4</c>, <c>{id}/result.json</c> or <c>{id}/error.json</c>.</summary>
    public string RendersContainer { get; set; } = "renders";

    /// <summary>Job blobs that could not be accepted, each with its <c>*.error.json</c>.</summary>
    public string FailedRequestsContainer { get; set; } = "render-requests-failed";

    /// <summary>Webhook de-duplication markers and the HeyGen-id index; a lifecycle rule deletes markers after 2 days.</summary>
    public string WebhookEventsContainer { get; set; } = "webhook-events";

    /// <summary>
    /// The containers a job may read blob assets from (<c>Storage:AssetContainers:0</c>, …); empty means the inbox only.
    /// Never the renders, failed, webhook-events or task hub containers: <see cref="Trust.StorageTrustPolicy"/> refuses to start.
    /// </summary>
    public IList<string> AssetContainers { get; } = [];

    /// <summary>
    /// The containers a job may write its outputs to (<c>Storage:OutputContainers:0</c>, …); empty means the renders container
    /// only. Never the inbox, an asset container, the failed, webhook-events or task hub containers.
    /// </summary>
    public IList<string> OutputContainers { get; } = [];

    /// <summary>
    /// More containers a host keeps its own state in (the CLI's inbox receipts, for example): neither readable nor writable
    /// by a job. Hosts add to it; operators need not.
    /// </summary>
    public IList<string> InternalContainers { get; } = [];

    /// <summary>What a spec that names no container means here: the inbox for assets, the renders container for outputs.</summary>
    public JobSpecDefaults SpecDefaults => new(RequestsContainer, RendersContainer);
}
