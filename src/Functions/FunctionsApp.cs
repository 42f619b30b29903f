using Azure.Core.Serialization;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using HeyGen.Client;
using HeyGenRender.Functions.Orchestrators;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

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

        // Telemetry goes to Application Insights only when a connection string is configured.
        if (!string.IsNullOrEmpty(configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]))
        {
            services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
        }

        // One credential for everything in Azure: the app's user-assigned identity (AZURE_CLIENT_ID);
        // a developer's own sign-in locally.
        services.AddSingleton<Azure.Core.TokenCredential>(_ => new DefaultAzureCredential());
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.AddOptions<SecretsOptions>().Bind(configuration.GetSection(SecretsOptions.SectionName));

        services.AddSingleton(provider =>
        {
            var storage = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return storage.BlobServiceUri is { } uri
                ? new BlobServiceClient(uri, provider.GetRequiredService<Azure.Core.TokenCredential>())
                : new BlobServiceClient(storage.ConnectionString ?? throw new InvalidOperationException(
                    $"Set {StorageOptions.SectionName}__BlobServiceUri (Azure) or {StorageOptions.SectionName}__ConnectionString (Azurite)."));
        });

        // Secrets from Key Vault when a vault is configured, from configuration otherwise (func start).
        if (configuration[SecretsOptions.KeyVaultUriKey] is { Length: > 0 } vaultUri)
        {
            services.AddSingleton(provider => new SecretClient(new Uri(vaultUri), provider.GetRequiredService<Azure.Core.TokenCredential>()));
            services.AddSingleton<ISecretProvider, KeyVaultSecretProvider>();
        }
        else
        {
            services.AddSingleton<ISecretProvider, ConfigurationSecretProvider>();
        }

        services.AddHeyGenClient((provider, options) =>
        {
            configuration.GetSection("HeyGen").Bind(options);
            options.ApiKeyProvider = new SecretApiKeyProvider(provider.GetRequiredService<ISecretProvider>());
        });

        // The invocation's [DurableClient] becomes the scoped DurableTaskClient the pipeline's handlers take (see DurableClientScope).
        DurableClientScope.AddInvocationDurableClient(services);

        services.AddRenderIntake(configuration);
        services.AddRenderWorkflow(configuration);
        return services;
    }
}
