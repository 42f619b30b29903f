using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using HeyGen.Client;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Cli.Hosting;

/// <summary>
/// The pipeline's services without a web host, for the operations commands (<c>credits</c>, <c>webhooks</c>, <c>renders</c>):
/// the same storage client, secrets provider and HeyGen client the pipeline uses, from the same configuration.
/// </summary>
internal sealed class OperationsServices : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private OperationsServices(ServiceProvider services) => _services = services;

    public IServiceProvider Services => _services;

    public HeyGenClient HeyGen => _services.GetRequiredService<HeyGenClient>();

    public ISecretProvider Secrets => _services.GetRequiredService<ISecretProvider>();

    /// <summary>A client for <paramref name="vault"/> with the same credential and options the pipeline's secret provider uses.</summary>
    public SecretClient CreateSecretClient(Uri vault) =>
        new(vault, _services.GetRequiredService<TokenCredential>(), _services.GetService<SecretClientOptions>() ?? new SecretClientOptions());

    public static OperationsServices Create(IConfiguration configuration, CliEnvironment environment, ILoggerFactory loggerFactory)
    {
        var time = environment.Time;
        var services = new ServiceCollection();
        services.AddSingleton(time);

        // Registered before the pipeline's defaults (DefaultAzureCredential, SDK options), which then stand back.
        if (environment.AzureCredential is { } credential)
        {
            services.AddSingleton(credential);
        }

        if (environment.KeyVaultClientOptions is { } keyVaultOptions)
        {
            services.AddSingleton(keyVaultOptions);
        }

        services.AddSingleton(loggerFactory);
        services.AddLogging();
        services.AddRenderIntake(configuration);
        var endpoint = configuration[CliConfiguration.HeyGenEndpoint];
        services.AddHeyGenClient((sp, o) =>
        {
            o.Endpoint = string.IsNullOrEmpty(endpoint) ? HeyGenClientOptions.DefaultEndpoint : new Uri(endpoint);
            o.ApiKeyProvider = sp.GetRequiredService<HeyGenApiKeyProvider>();
            o.TimeProvider = time;
        });
        return new OperationsServices(services.BuildServiceProvider());
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
