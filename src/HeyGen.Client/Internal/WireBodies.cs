using System.Text.Json.Serialization;

namespace HeyGen.Client.Internal;

/// <summary>Body of <c>POST /v3/assets/{asset_id}/complete</c>.</summary>
internal sealed record CompleteUploadBody
{
    [JsonPropertyName("checksum_sha256")]
    public string? ChecksumSha256 { get; init; }
}

/// <summary>An empty JSON object body, for calls whose body has no required fields.</summary>
internal sealed record EmptyBody;

/// <summary>The error envelope's inner object.</summary>
internal sealed class WireError
{
    [JsonPropertyName("code")]
    public string? Code { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("param")]
    public string? Param { get; init; }

    [JsonPropertyName("doc_url")]
    public string? DocUrl { get; init; }
}
