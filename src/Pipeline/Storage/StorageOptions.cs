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

    /// <summary>Inbox: job specs dropped here start renders.</summary>
    public string RequestsContainer { get; set; } = "render-requests";

    /// <summary>Outputs: <c>{id}/video.mp4</c>, <c>{id}/result.json</c> or <c>{id}/error.json</c>.</summary>
    public string RendersContainer { get; set; } = "renders";

    /// <summary>Job blobs that could not be accepted, each with its <c>*.error.json</c>.</summary>
    public string FailedRequestsContainer { get; set; } = "render-requests-failed";

    /// <summary>Webhook de-duplication markers and the HeyGen-id index; a lifecycle rule deletes markers after 2 days.</summary>
    public string WebhookEventsContainer { get; set; } = "webhook-events";
}
