using System.Text;
using System.Text.Json;

namespace HeyGen.Client;

/// <summary>Builds response models for tests and mocks of the virtual client methods.</summary>
public static class HeyGenModelFactory
{
    /// <summary>Creates an asset.</summary>
    /// <param name="assetId">The id.</param>
    /// <param name="url">The URL.</param>
    /// <param name="mimeType">The MIME type.</param>
    /// <param name="sizeBytes">The size.</param>
    /// <param name="status">The status.</param>
    /// <returns>The asset.</returns>
    public static HeyGenAsset Asset(string assetId, string? url = null, string? mimeType = null, long? sizeBytes = null, AssetStatus? status = null) =>
        new() { AssetId = assetId, Url = url, MimeType = mimeType, SizeBytes = sizeBytes, Status = status };

    /// <summary>Creates a direct upload.</summary>
    /// <param name="assetId">The id.</param>
    /// <param name="uploadUrl">The presigned URL.</param>
    /// <param name="uploadHeaders">The headers for the PUT.</param>
    /// <param name="expiresInSeconds">Expiry.</param>
    /// <param name="maxBytes">Size cap.</param>
    /// <returns>The upload.</returns>
    public static DirectUpload DirectUpload(string assetId, Uri uploadUrl, IReadOnlyDictionary<string, string>? uploadHeaders = null, int? expiresInSeconds = null, long? maxBytes = null) =>
        new() { AssetId = assetId, UploadUrl = uploadUrl, UploadHeaders = uploadHeaders ?? new Dictionary<string, string>(), ExpiresInSeconds = expiresInSeconds, MaxBytes = maxBytes, Status = AssetStatus.PendingUpload };

    /// <summary>Creates the answer of a video create.</summary>
    /// <param name="videoId">The id.</param>
    /// <param name="status">The initial status.</param>
    /// <returns>The result.</returns>
    public static CreatedVideo CreatedVideo(string videoId, string? status = null) => new() { VideoId = videoId, Status = status };

    /// <summary>Creates a video.</summary>
    /// <param name="id">The id.</param>
    /// <param name="status">The status.</param>
    /// <param name="videoUrl">The download URL.</param>
    /// <param name="thumbnailUrl">The thumbnail URL.</param>
    /// <param name="subtitleUrl">The subtitle URL.</param>
    /// <param name="duration">The duration in seconds.</param>
    /// <param name="failureCode">The failure code.</param>
    /// <param name="failureMessage">The failure message.</param>
    /// <param name="title">The title.</param>
    /// <returns>The video.</returns>
    public static VideoDetail Video(string id, VideoStatus status, string? videoUrl = null, string? thumbnailUrl = null, string? subtitleUrl = null, double? duration = null, string? failureCode = null, string? failureMessage = null, string? title = null) =>
        new() { Id = id, Status = status, VideoUrl = videoUrl, ThumbnailUrl = thumbnailUrl, SubtitleUrl = subtitleUrl, Duration = duration, FailureCode = failureCode, FailureMessage = failureMessage, Title = title };

    /// <summary>Creates a Video Agent session.</summary>
    /// <param name="sessionId">The id.</param>
    /// <param name="status">The status.</param>
    /// <param name="videoId">The video id.</param>
    /// <returns>The session.</returns>
    public static VideoAgentSession VideoAgentSession(string sessionId, VideoAgentSessionStatus status, string? videoId = null) =>
        new() { SessionId = sessionId, Status = status, VideoId = videoId };

    /// <summary>Creates a Video Agent session detail.</summary>
    /// <param name="sessionId">The id.</param>
    /// <param name="status">The status.</param>
    /// <param name="videoId">The video id.</param>
    /// <param name="progress">The progress.</param>
    /// <returns>The session.</returns>
    public static VideoAgentSessionDetail VideoAgentSessionDetail(string sessionId, VideoAgentSessionStatus status, string? videoId = null, int? progress = null) =>
        new() { SessionId = sessionId, Status = status, VideoId = videoId, Progress = progress };

    /// <summary>Creates a translation.</summary>
    /// <param name="id">The id.</param>
    /// <param name="status">The status.</param>
    /// <param name="videoUrl">The result URL.</param>
    /// <param name="outputLanguage">The language.</param>
    /// <param name="failureMessage">The failure message.</param>
    /// <returns>The translation.</returns>
    public static VideoTranslation VideoTranslation(string id, JobStatus status, string? videoUrl = null, string? outputLanguage = null, string? failureMessage = null) =>
        new() { Id = id, Status = status, VideoUrl = videoUrl, OutputLanguage = outputLanguage, FailureMessage = failureMessage };

    /// <summary>Creates a lipsync.</summary>
    /// <param name="id">The id.</param>
    /// <param name="status">The status.</param>
    /// <param name="videoUrl">The result URL.</param>
    /// <param name="failureMessage">The failure message.</param>
    /// <returns>The lipsync.</returns>
    public static Lipsync Lipsync(string id, JobStatus status, string? videoUrl = null, string? failureMessage = null) =>
        new() { Id = id, Status = status, VideoUrl = videoUrl, FailureMessage = failureMessage };

    /// <summary>Creates a webhook endpoint.</summary>
    /// <param name="endpointId">The id.</param>
    /// <param name="url">The URL.</param>
    /// <param name="secret">The secret (create and rotate only).</param>
    /// <param name="events">The events.</param>
    /// <returns>The endpoint.</returns>
    public static WebhookEndpoint WebhookEndpoint(string endpointId, string url, string? secret = null, IReadOnlyList<WebhookEventType>? events = null) =>
        new() { EndpointId = endpointId, Url = url, Secret = secret, Events = events, Status = "enabled" };

    /// <summary>Creates a user.</summary>
    /// <param name="username">The user name.</param>
    /// <param name="email">The e-mail.</param>
    /// <returns>The user.</returns>
    public static HeyGenUser User(string username, string? email = null) => new() { Username = username, Email = email };

    /// <summary>Creates a page.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="nextToken">The next cursor; null for the last page.</param>
    /// <returns>The page.</returns>
    public static HeyGenPage<T> Page<T>(IReadOnlyList<T> items, string? nextToken = null) => new(items, nextToken is not null, nextToken);

    /// <summary>Creates a webhook event from its JSON <c>event_data</c>.</summary>
    /// <param name="eventType">The type.</param>
    /// <param name="eventDataJson">The <c>event_data</c> object as JSON.</param>
    /// <param name="eventId">The delivery id.</param>
    /// <returns>The event.</returns>
    public static WebhookEvent WebhookEvent(WebhookEventType eventType, string eventDataJson, string? eventId = null)
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(eventDataJson));
        return new WebhookEvent(eventType, document.RootElement.Clone(), eventId);
    }
}
