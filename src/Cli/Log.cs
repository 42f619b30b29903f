using Microsoft.Extensions.Logging;

namespace HeyGenRender.Cli;

/// <summary>The command line's log messages.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Embedded Azurite listening on {Endpoint}")]
    public static partial void AzuriteStarted(ILogger logger, Uri endpoint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Embedded HeyGen emulator listening on {BaseAddress}")]
    public static partial void EmulatorStarted(ILogger logger, Uri baseAddress);
}
