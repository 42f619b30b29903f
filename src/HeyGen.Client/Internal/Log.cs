using Microsoft.Extensions.Logging;

namespace HeyGen.Client.Internal;

/// <summary>Log messages. They name routes and statuses, never keys, signatures or presigned URLs.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "HeyGen {Method} {Route} answered {Status}")]
    public static partial void Response(ILogger logger, string method, string route, int status);

    [LoggerMessage(2, LogLevel.Information, "HeyGen {Method} {Route}: retry {Attempt} in {Delay} after {Reason}")]
    public static partial void Retrying(ILogger logger, string method, string route, int attempt, TimeSpan delay, string reason);

    [LoggerMessage(3, LogLevel.Warning, "HeyGen {Method} {Route}: API key rejected (401); refreshing the key and retrying once")]
    public static partial void KeyRejected(ILogger logger, string method, string route);

    [LoggerMessage(4, LogLevel.Warning, "HeyGen {Method} {Route} failed: {Status} {ErrorCode}")]
    public static partial void Failed(ILogger logger, string method, string route, int status, string? errorCode);

    [LoggerMessage(9, LogLevel.Debug, "HeyGen {Method} {Route}: not found (404 {ErrorCode})")]
    public static partial void NotFound(ILogger logger, string method, string route, string? errorCode);

    [LoggerMessage(5, LogLevel.Information, "Uploading {Length} bytes for asset {AssetId}")]
    public static partial void UploadStarting(ILogger logger, string assetId, long length);

    [LoggerMessage(6, LogLevel.Information, "Upload of asset {AssetId} not visible yet (409 resource_not_ready); complete retry {Attempt} in {Delay}")]
    public static partial void CompleteNotReady(ILogger logger, string assetId, int attempt, TimeSpan delay);

    [LoggerMessage(7, LogLevel.Information, "Asset {AssetId} uploaded and completed")]
    public static partial void UploadCompleted(ILogger logger, string assetId);

    [LoggerMessage(10, LogLevel.Information, "Asset {AssetId} was completed by an earlier run with the same idempotency key; its upload URL takes no more bytes")]
    public static partial void UploadCompletedEarlier(ILogger logger, string assetId);
}
