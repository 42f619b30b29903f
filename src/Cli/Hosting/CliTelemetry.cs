using HeyGen.Client;
using HeyGenRender.Pipeline.Telemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace HeyGenRender.Cli.Hosting;

/// <summary>
/// OpenTelemetry for <c>serve</c> and <c>render</c>: the pipeline's and the client's spans and metrics, ASP.NET Core's
/// and HttpClient's, over OTLP, only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads it and the other
/// <c>OTEL_*</c> settings itself). HttpClient spans carry URLs with their query strings redacted, so a presigned URL's
/// signature never leaves the process.
/// </summary>
internal static class CliTelemetry
{
    /// <summary>The setting that turns export on.</summary>
    public const string OtlpEndpoint = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>Adds the SDK with the OTLP exporter when <see cref="OtlpEndpoint"/> is configured.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns>Whether export was turned on.</returns>
    public static bool AddOtlpWhenConfigured(IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrEmpty(configuration[OtlpEndpoint]))
        {
            return false;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("heygen-render"))
            .WithTracing(tracing => tracing
                .AddSource(PipelineTelemetry.Name, HeyGenTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddOtlpExporter())
            .WithMetrics(metrics => metrics
                .AddMeter(PipelineTelemetry.Name, HeyGenTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        return true;
    }
}
