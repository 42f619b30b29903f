using Azure.Core;
using Azure.Core.Serialization;
using Azure.Monitor.OpenTelemetry.Exporter;
using HeyGen.Client;
using HeyGenRender.Functions.Orchestrators;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Telemetry;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace HeyGenRender.Functions;

/// <summary>
/// The app's composition: what <c>Program.cs</c> does to the worker's builder before it runs, in one place, so that
/// the tests build the same container (with scope validation) that Azure runs.
/// </summary>
public static class FunctionsApp
{
    /// <summary>Configures the worker (ASP.NET Core integration, the JSON rules) and registers the pipeline's services.</summary>
    public static FunctionsApplicationBuilder Configure(FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        AddServices(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>The pipeline's services as the app registers them.</summary>
    public static IServiceCollection AddServices(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Durable inputs, outputs and events use the worker serializer: give it the pipeline's JSON rules so
        // orchestration payloads read the same here as on the local host.
        services.Configure<WorkerOptions>(options => options.Serializer = new JsonObjectSerializer(OrchestrationJson.Options));

        AddTelemetry(services, configuration);

        // Storage (managed identity in Azure, a connection string for Azurite), the credential and the secrets (Key Vault
        // when Secrets__KeyVaultUri is set, configuration otherwise) are the intake's own registrations.
        services.AddHeyGenClient((provider, options) =>
        {
            configuration.GetSection("HeyGen").Bind(options);
            options.ApiKeyProvider = provider.GetRequiredService<HeyGenApiKeyProvider>();
        });

        // The invocation's [DurableClient] becomes the scoped DurableTaskClient the pipeline's handlers take (see DurableClientScope).
        DurableClientScope.AddInvocationDurableClient(services);

        services.AddRenderIntake(configuration);
        services.AddRenderWorkflow(configuration);
        return services;
    }

    /// <summary>
    /// Telemetry goes to Application Insights only when a connection string is configured: the worker's own through the
    /// Application Insights SDK, and the pipeline's and the client's spans and metrics (their ActivitySources and Meters)
    /// through the Azure Monitor OpenTelemetry exporter, authenticated with the app's credential (the Bicep turns local
    /// auth off, so ingestion is by Entra ID).
    /// </summary>
    public static void AddTelemetry(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        if (string.IsNullOrEmpty(connectionString))
        {
            return;
        }

        services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
        services.AddOpenTelemetry()
            .WithTracing(tracing => tracing.AddSource(PipelineTelemetry.Name, HeyGenTelemetry.Name).AddAzureMonitorTraceExporter())
            .WithMetrics(metrics => metrics.AddMeter(PipelineTelemetry.Name, HeyGenTelemetry.Name).AddAzureMonitorMetricExporter());
        services.AddOptions<AzureMonitorExporterOptions>().Configure<TokenCredential>((options, credential) =>
        {
            options.ConnectionString = connectionString;
            if (!string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]))
            {
                options.Credential = credential;
            }
        });
    }
}
