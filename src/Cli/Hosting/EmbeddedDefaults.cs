using System.Globalization;
using HeyGen.Emulator;
using HeyGenRender.LocalAzurite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Cli.Hosting;

/// <summary>
/// Starts what configuration leaves out: Azurite on loopback when no storage is configured, the HeyGen
/// emulator in process when no HeyGen API key is configured. <see cref="Configuration"/> is the input
/// configuration with the started services filled in, so the pipeline never knows which is which.
/// Disposing stops what was started, nothing else.
/// </summary>
internal sealed class EmbeddedDefaults : IAsyncDisposable
{
    /// <summary>How long an emulated render takes when <c>Emulator:RenderDuration</c> is not configured: short, so a local run is quick.</summary>
    public static readonly TimeSpan DefaultEmulatorRenderDuration = TimeSpan.FromSeconds(3);

    private EmbeddedDefaults(IConfiguration configuration, AzuriteServer? azurite, HeyGenEmulatorHost? emulator)
    {
        Configuration = configuration;
        Azurite = azurite;
        Emulator = emulator;
    }

    /// <summary>The configuration with the embedded services' connection settings added.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>The started Azurite, or null when storage is configured.</summary>
    public AzuriteServer? Azurite { get; }

    /// <summary>The started emulator, or null when a HeyGen API key is configured.</summary>
    public HeyGenEmulatorHost? Emulator { get; }

    /// <summary>Starts the embedded defaults <paramref name="configuration"/> does not replace.</summary>
    public static async Task<EmbeddedDefaults> StartAsync(IConfiguration configuration, TimeProvider time, ILogger logger, CancellationToken cancellationToken = default) =>
        await StartAsync(configuration, time, logger, storage: true, heyGen: true, cancellationToken).ConfigureAwait(false);

    /// <summary>Starts the embedded defaults asked for (<paramref name="storage"/>, <paramref name="heyGen"/>) that <paramref name="configuration"/> does not replace.</summary>
    public static async Task<EmbeddedDefaults> StartAsync(IConfiguration configuration, TimeProvider time, ILogger logger, bool storage, bool heyGen, CancellationToken cancellationToken = default)
    {
        var added = new Dictionary<string, string?>();
        AzuriteServer? azurite = null;
        HeyGenEmulatorHost? emulator = null;
        try
        {
            if (storage && string.IsNullOrEmpty(configuration[CliConfiguration.StorageConnectionString]) && string.IsNullOrEmpty(configuration[CliConfiguration.StorageBlobServiceUri]))
            {
                var options = new AzuriteOptions();
                configuration.GetSection("Azurite").Bind(options);
                azurite = await AzuriteServer.StartAsync(options, logger, cancellationToken).ConfigureAwait(false);
                added[CliConfiguration.StorageConnectionString] = azurite.ConnectionString;

                // The webhook journal beside the render state: on this disk, acknowledged without a round trip to Azurite.
                AddUnlessSet(configuration, added, "Webhooks:JournalFolder", Path.Combine(azurite.DataFolder, "webhook-journal"));
                Log.AzuriteStarted(logger, azurite.BlobEndpoint);
            }

            if (heyGen && string.IsNullOrEmpty(configuration[CliConfiguration.HeyGenApiKey]) && string.IsNullOrEmpty(configuration[CliConfiguration.KeyVaultUri]))
            {
                var options = new EmulatorOptions { RenderDuration = DefaultEmulatorRenderDuration };
                configuration.GetSection(EmulatorOptions.SectionName).Bind(options);
                emulator = await HeyGenEmulatorHost.StartAsync(options, time, cancellationToken).ConfigureAwait(false);
                added[CliConfiguration.HeyGenApiKey] = emulator.ApiKey;
                added[CliConfiguration.HeyGenEndpoint] = emulator.BaseAddress.ToString();

                // The embedded emulator takes a known time per job, so the workflow's first poll goes there instead of at
                // HeyGen's 5x the video length (a poll-mode sample would otherwise wait half a minute for a 3 s job).
                AddUnlessSet(configuration, added, "Workflow:RenderTimePerVideoSecond", "0");
                AddUnlessSet(configuration, added, "Workflow:MinExpectedRenderTime", options.RenderDuration.ToString("c", CultureInfo.InvariantCulture));
                AddUnlessSet(configuration, added, "Workflow:ExpectedRenderTime", options.RenderDuration.ToString("c", CultureInfo.InvariantCulture));
                Log.EmulatorStarted(logger, emulator.BaseAddress);
            }
        }
        catch
        {
            await StopAsync(azurite, emulator).ConfigureAwait(false);
            throw;
        }

        var merged = new ConfigurationBuilder().AddConfiguration(configuration).AddInMemoryCollection(added).Build();
        return new EmbeddedDefaults(merged, azurite, emulator);
    }

    private static void AddUnlessSet(IConfiguration configuration, Dictionary<string, string?> added, string key, string value)
    {
        if (string.IsNullOrEmpty(configuration[key]))
        {
            added[key] = value;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => StopAsync(Azurite, Emulator);

    private static async ValueTask StopAsync(AzuriteServer? azurite, HeyGenEmulatorHost? emulator)
    {
        if (emulator is not null)
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
        }

        if (azurite is not null)
        {
            await azurite.DisposeAsync().ConfigureAwait(false);
        }
    }
}
