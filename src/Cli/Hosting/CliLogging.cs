using Microsoft.Extensions.Logging;

namespace HeyGenRender.Cli.Hosting;

/// <summary>Console logging for the commands: one line per message on standard error, so standard output stays for results.</summary>
internal static class CliLogging
{
    public static Action<ILoggingBuilder> ToStandardError(LogLevel pipelineLevel) => logging =>
    {
        logging.SetMinimumLevel(pipelineLevel);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
    };

    public static ILoggerFactory CreateFactory(LogLevel level) => LoggerFactory.Create(ToStandardError(level));
}
