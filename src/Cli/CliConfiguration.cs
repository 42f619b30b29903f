using Microsoft.Extensions.Configuration;

namespace HeyGenRender.Cli;

/// <summary>
/// Builds the configuration every command reads, lowest precedence first: the file given with
/// <c>--config</c> (JSON), environment variables (the same names as the Functions app's settings,
/// e.g. <c>Storage__ConnectionString</c>, <c>Secrets__HeyGenApiKey</c>), then the command's own options.
/// </summary>
internal static class CliConfiguration
{
    /// <summary>Storage connection string; when absent (and no <c>Storage:BlobServiceUri</c>) the embedded Azurite is started.</summary>
    public const string StorageConnectionString = "Storage:ConnectionString";

    /// <summary>Storage account blob URI (managed identity / developer credential).</summary>
    public const string StorageBlobServiceUri = "Storage:BlobServiceUri";

    /// <summary>HeyGen API key (the pipeline's secrets section); when absent, and no Key Vault is configured, the in-process emulator is started.</summary>
    public const string HeyGenApiKey = "Secrets:HeyGenApiKey";

    /// <summary>The webhook signing secret of the registered HeyGen endpoint.</summary>
    public const string WebhookSecret = "Secrets:WebhookSecret";

    /// <summary>Key Vault URI; when set, secrets come from Key Vault instead of configuration.</summary>
    public const string KeyVaultUri = "Secrets:KeyVaultUri";

    /// <summary>HeyGen API address (the real API, https://api.heygen.com, unless the emulator runs).</summary>
    public const string HeyGenEndpoint = "HeyGen:Endpoint";

    /// <summary>Where the embedded Azurite keeps its data; a temporary folder (deleted at exit) when absent.</summary>
    public const string AzuriteDataFolder = "Azurite:DataFolder";

    /// <summary>How often <c>serve</c> lists the inbox container.</summary>
    public const string InboxPollInterval = "Inbox:PollInterval";

    public static IConfigurationRoot Build(CliEnvironment environment, string? configFile, IEnumerable<KeyValuePair<string, string?>> commandValues)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            builder.AddJsonFile(environment.FullPath(configFile), optional: false, reloadOnChange: false);
        }

        if (environment.ReadEnvironmentVariables)
        {
            builder.AddEnvironmentVariables();
        }

        builder.AddInMemoryCollection(environment.ConfigurationOverrides);
        builder.AddInMemoryCollection(commandValues.Where(kv => kv.Value is not null));
        return builder.Build();
    }
}
