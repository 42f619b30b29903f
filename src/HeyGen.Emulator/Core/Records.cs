namespace HeyGen.Emulator.Core;

/// <summary>An uploaded or pending asset. Bytes live on disk at <see cref="FilePath"/>.</summary>
internal sealed class Asset
{
    public required string Id { get; init; }

    public required string FileName { get; init; }

    public required string DeclaredContentType { get; init; }

    public required long SizeBytes { get; init; }

    public required string FilePath { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public string? ChecksumSha256 { get; init; }

    /// <summary>The SHA-256 of the bytes on disk, computed while the PUT stored them (as S3 keeps an object's checksum).</summary>
    public string? StoredSha256 { get; set; }

    public DateTimeOffset? UploadExpiresAt { get; init; }

    /// <summary>pending_upload → uploaded (PUT landed) → ready (complete called).</summary>
    public string Status { get; set; } = "pending_upload";

    public string? DetectedMimeType { get; set; }

    public bool Deleted { get; set; }

    /// <summary>GETs still to answer 404 because of the transient-not-found fault.</summary>
    public int TransientNotFoundLeft { get; set; }
}

/// <summary>A registered webhook endpoint.</summary>
internal sealed class WebhookEndpoint
{
    public required string Id { get; init; }

    public required string Url { get; set; }

    public IReadOnlyList<string>? Events { get; set; }

    public string? EntityId { get; init; }

    public required string Secret { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool Deleted { get; set; }

    public bool Wants(string eventType) => Events is null || Events.Contains(eventType);
}

/// <summary>An event HeyGen emitted (listed by <c>GET /v3/webhooks/events</c>).</summary>
internal sealed record WebhookEvent(string EventId, string EventType, string EntityId, string EventDataJson, string BodyJson, DateTimeOffset CreatedAt);

/// <summary>A remembered <c>Idempotency-Key</c>.</summary>
internal sealed class IdempotencyRecord
{
    public required string BodyHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public bool Completed { get; set; }

    public int StatusCode { get; set; }

    public string? ContentType { get; set; }

    public byte[] Body { get; set; } = [];

    public List<KeyValuePair<string, string>> Headers { get; } = [];
}
