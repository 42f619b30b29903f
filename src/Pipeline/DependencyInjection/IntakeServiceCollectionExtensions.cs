using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using HeyGen.Client;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Secrets;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.DependencyInjection;

/// <summary>Registers the intake: job validation and storage, the render HTTP handlers, the inbox, webhook intake and secrets.</summary>
public static class IntakeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="RenderApi"/>, <see cref="InboxHandler"/>, <see cref="WebhookIntake"/>, <see cref="RenderStarter"/>,
    /// <see cref="RenderJobStore"/>, <see cref="JobAssetChecker"/>, <see cref="IHeyGenJobIndex"/>, <see cref="WebhookDedupe"/>,
    /// <see cref="ISecretProvider"/> (Key Vault when <c>Secrets:KeyVaultUri</c> is set, with the registered <see cref="SecretClientOptions"/>
    /// if any, else configuration) and
    /// <see cref="SecretApiKeyProvider"/> as the <see cref="HeyGenApiKeyProvider"/>; binds <see cref="StorageOptions"/>,
    /// <see cref="SecretsOptions"/> and <see cref="WebhookIntakeOptions"/>; adds a <see cref="BlobServiceClient"/> from
    /// <see cref="StorageOptions"/> (with the registered <see cref="BlobClientOptions"/> if any) and <see cref="TimeProvider.System"/> unless already registered.
    /// The host registers the <c>Microsoft.DurableTask.Client.DurableTaskClient</c> (scoped or singleton) and logging, and
    /// calls <c>AddRenderWorkflow</c> for the <see cref="Workflow.RenderPlanner"/> the starter plans each render with.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration root.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRenderIntake(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // Trust settings are checked at start-up: a host whose lists would let a job read renders or write into intake does not start.
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageTrustValidation>());
        services.AddOptions<SecretsOptions>().Bind(configuration.GetSection(SecretsOptions.SectionName));
        services.AddOptions<WebhookIntakeOptions>().Bind(configuration.GetSection(WebhookIntakeOptions.SectionName));

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        services.TryAddSingleton(sp => CreateBlobServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp));

        services.TryAddSingleton<RenderJobStore>();
        services.TryAddSingleton<JobAssetChecker>();
        services.TryAddSingleton<StorageTrustPolicy>();
        services.TryAddSingleton<OutputFolderClaims>();
        services.TryAddSingleton<IHeyGenJobIndex, BlobHeyGenJobIndex>();
        services.TryAddSingleton<WebhookDedupe>();
        services.TryAddSingleton(sp => CreateQueueServiceClient(sp.GetRequiredService<IOptions<StorageOptions>>().Value, sp));
        services.TryAddSingleton<IWebhookJournalStore>(sp =>
        {
            var webhooks = sp.GetRequiredService<IOptions<WebhookIntakeOptions>>();
            if (!string.IsNullOrEmpty(webhooks.Value.JournalFolder))
            {
                return new FileJournalStore(webhooks, sp.GetRequiredService<TimeProvider>());
            }

            return QueueJournalStore.For(sp.GetRequiredService<QueueServiceClient>(), sp.GetRequiredService<IOptions<StorageOptions>>().Value.WebhookQueueName, webhooks);
        });
        services.TryAddSingleton<WebhookJournal>();
        services.TryAddSingleton(sp => new RecentEventIds(sp.GetRequiredService<IOptions<WebhookIntakeOptions>>().Value.RecentEventIds));

        // Scoped: they use the Durable Task client, which the Functions app binds per invocation.
        services.TryAddScoped<RenderStarter>();
        services.TryAddScoped<RenderApi>();
        services.TryAddScoped<InboxHandler>();
        services.TryAddScoped<WebhookIntake>();
        services.TryAddScoped<WebhookDispatcher>();
        services.TryAddScoped<RenderFileReader>();

        services.TryAddSingleton<ISecretProvider>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SecretsOptions>>();
            if (options.Value.KeyVaultUri is not { } vault)
            {
                return ActivatorUtilities.CreateInstance<ConfigurationSecretProvider>(sp);
            }

            var client = new SecretClient(vault, sp.GetRequiredService<TokenCredential>(), sp.GetService<SecretClientOptions>() ?? new SecretClientOptions());
            return ActivatorUtilities.CreateInstance<KeyVaultSecretProvider>(sp, client);
        });
        services.TryAddSingleton<HeyGenApiKeyProvider, SecretApiKeyProvider>();
        return services;
    }

    /// <summary>
    /// Dispatches the webhook journal in this process (<see cref="WebhookJournalPump"/>), for hosts that keep running
    /// and have a singleton <c>DurableTaskClient</c>: <c>serve</c>, <c>render</c>, tests. The Functions app uses its
    /// queue trigger instead.
    /// </summary>
    /// <param name="services">The services, after <see cref="AddRenderIntake"/>.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddLocalWebhookDispatch(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.PostConfigure<WebhookIntakeOptions>(o => o.LocalDispatch = true);
        services.TryAddSingleton<WebhookJournalPump>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookJournalPump>());
        return services;
    }

    private static QueueServiceClient CreateQueueServiceClient(StorageOptions options, IServiceProvider services)
    {
        // Base64 text, as the Functions queue trigger reads by default.
        var clientOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        if ((options.QueueServiceUri ?? QueueUriFor(options.BlobServiceUri)) is { } uri)
        {
            return new QueueServiceClient(uri, services.GetRequiredService<TokenCredential>(), clientOptions);
        }

        if (!string.IsNullOrEmpty(options.ConnectionString))
        {
            return new QueueServiceClient(options.ConnectionString, clientOptions);
        }

        throw new InvalidOperationException($"Storage is not configured: set {StorageOptions.SectionName}:{nameof(StorageOptions.QueueServiceUri)}, {StorageOptions.SectionName}:{nameof(StorageOptions.BlobServiceUri)} or {StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}.");
    }

    private static Uri? QueueUriFor(Uri? blobServiceUri) =>
        blobServiceUri is { } blob && blob.Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase)
            ? new UriBuilder(blob) { Host = blob.Host.Replace(".blob.", ".queue.", StringComparison.OrdinalIgnoreCase) }.Uri
            : null;

    private static BlobServiceClient CreateBlobServiceClient(StorageOptions options, IServiceProvider services)
    {
        // A host may register BlobClientOptions (retries, diagnostics, a policy of its own); else the SDK's defaults.
        var clientOptions = services.GetService<BlobClientOptions>();
        if (options.BlobServiceUri is { } uri)
        {
            return new BlobServiceClient(uri, services.GetRequiredService<TokenCredential>(), clientOptions);
        }

        if (!string.IsNullOrEmpty(options.ConnectionString))
        {
            return new BlobServiceClient(options.ConnectionString, clientOptions);
        }

        throw new InvalidOperationException($"Storage is not configured: set {StorageOptions.SectionName}:{nameof(StorageOptions.BlobServiceUri)} or {StorageOptions.SectionName}:{nameof(StorageOptions.ConnectionString)}.");
    }
}
