using Microsoft.Extensions.Logging;

namespace HeyGen.Emulator;

/// <summary>The emulator's log messages. Never an API key, secret or signature.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "HeyGen emulator listening on {BaseAddress}")]
    public static partial void Listening(ILogger logger, string baseAddress);

    [LoggerMessage(2, LogLevel.Information, "Job {JobId} finished: {Status}")]
    public static partial void JobFinished(ILogger logger, string jobId, string status);

    [LoggerMessage(3, LogLevel.Warning, "Webhook {EventId} attempt {Attempt} failed: {Reason}")]
    public static partial void WebhookFailed(ILogger logger, string eventId, int attempt, string reason);

    [LoggerMessage(4, LogLevel.Information, "Fault injected: webhook {EventId} ({EventType}) dropped")]
    public static partial void WebhookDropped(ILogger logger, string eventId, string eventType);

    [LoggerMessage(5, LogLevel.Information, "Fault injected on {Method} {Path}: {Kind}")]
    public static partial void FaultInjected(ILogger logger, string method, string path, FaultKind kind);
}
