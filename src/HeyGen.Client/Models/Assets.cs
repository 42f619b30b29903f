using System.Text.Json.Serialization;

namespace HeyGen.Client;

/// <summary>An uploaded asset.</summary>
public sealed class HeyGenAsset
{
    /// <summary>The id to reference the file in other calls.</summary>
    [JsonPropertyName("asset_id")]
    public required string AssetId { get; init; }

    /// <summary>The URL of the stored file.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>The detected MIME type.</summary>
    [JsonPropertyName("mime_type")]
    public string? MimeType { get; init; }

    /// <summary>The size in bytes.</summary>
    [JsonPropertyName("size_bytes")]
    public long? SizeBytes { get; init; }

    /// <summary>The status (direct uploads are <c>pending_upload</c> until completed).</summary>
    [JsonPropertyName("status")]
    public AssetStatus? Status { get; init; }
}

/// <summary>Body of <c>POST /v3/assets/direct-uploads</c>.</summary>
public sealed record CreateDirectUploadRequest
{
    /// <summary>The original file name.</summary>
    [JsonPropertyName("filename")]
    public required string FileName { get; init; }

    /// <summary>The declared MIME type, verified against the stored bytes at completion.</summary>
    [JsonPropertyName("content_type")]
    public required string ContentType { get; init; }

    /// <summary>The exact byte size; signed into the upload URL.</summary>
    [JsonPropertyName("size_bytes")]
    public required long SizeBytes { get; init; }

    /// <summary>Optional lowercase hex SHA-256 of the content, enforced by storage.</summary>
    [JsonPropertyName("checksum_sha256")]
    public string? ChecksumSha256 { get; init; }
}

/// <summary>The presigned upload returned by <c>POST /v3/assets/direct-uploads</c>.</summary>
public sealed class DirectUpload
{
    /// <summary>The asset id; usable after the complete step.</summary>
    [JsonPropertyName("asset_id")]
    public required string AssetId { get; init; }

    /// <summary>The presigned URL to <c>PUT</c> the raw bytes to. It carries its own authorization.</summary>
    [JsonPropertyName("upload_url")]
    public required Uri UploadUrl { get; init; }

    /// <summary>Headers the <c>PUT</c> must carry verbatim, and no others.</summary>
    [JsonPropertyName("upload_headers")]
    public IReadOnlyDictionary<string, string> UploadHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>Seconds until <see cref="UploadUrl"/> expires.</summary>
    [JsonPropertyName("expires_in_seconds")]
    public int? ExpiresInSeconds { get; init; }

    /// <summary>The largest upload this flow accepts.</summary>
    [JsonPropertyName("max_bytes")]
    public long? MaxBytes { get; init; }

    /// <summary>Always <c>pending_upload</c> at this stage.</summary>
    [JsonPropertyName("status")]
    public AssetStatus? Status { get; init; }
}

/// <summary>Options for <see cref="AssetsClient.UploadAsync(Stream, long, string, string, UploadOptions?, CancellationToken)"/>.</summary>
public sealed record UploadOptions
{
    /// <summary>
    /// Lowercase hex SHA-256 of the content, computed by the caller beforehand. When set it is sent
    /// at initialize and at complete so HeyGen verifies the stored bytes end to end.
    /// </summary>
    public string? Sha256Hex { get; init; }

    /// <summary>
    /// The lowercase hex SHA-256 of the content when it is only known once the bytes are sent (hashed while they
    /// stream): asked for after the <c>PUT</c> and sent at complete, where HeyGen verifies the stored bytes. Saves
    /// reading the content twice; the <c>PUT</c> itself then carries no checksum. Not together with <see cref="Sha256Hex"/>.
    /// </summary>
    public Func<string>? Sha256AfterUpload { get; init; }

    /// <summary>Receives the total number of bytes sent so far during the <c>PUT</c>.</summary>
    public IProgress<long>? Progress { get; init; }

    /// <summary>An <c>Idempotency-Key</c> for the initialize call.</summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>Filters for <c>GET /v3/assets</c>.</summary>
public sealed record AssetListOptions : PageOptions;

/// <summary>A stored asset as listed or fetched (<c>GET /v3/assets</c>, <c>GET /v3/assets/{asset_id}</c>).</summary>
public sealed class AssetDetail
{
    /// <summary>The asset id.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>The file name.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The kind: <c>image</c>, <c>video</c>, <c>audio</c>, ...</summary>
    [JsonPropertyName("type")]
    public string? Type { get; init; }

    /// <summary>The file URL.</summary>
    [JsonPropertyName("url")]
    public string? Url { get; init; }

    /// <summary>The owner.</summary>
    [JsonPropertyName("owner")]
    public string? Owner { get; init; }

    /// <summary>The space.</summary>
    [JsonPropertyName("space_id")]
    public string? SpaceId { get; init; }

    /// <summary>The folder.</summary>
    [JsonPropertyName("folder_id")]
    public string? FolderId { get; init; }

    /// <summary>Upload time, Unix seconds.</summary>
    [JsonPropertyName("uploaded_at")]
    public long? UploadedAt { get; init; }
}
