using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeyGenRender.LocalAzurite;

/// <summary>
/// A running Azurite blob service on a random loopback port, started from the repository's pinned
/// npm package (package.json). Disposing it stops the process and deletes its data folder unless the
/// caller chose the folder.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    /// <summary>The well-known development account Azurite serves (documented by Azure Storage).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known development account key Azurite serves (documented by Azure Storage).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly string _dataFolder;
    private readonly bool _ownsDataFolder;
    private readonly ILogger _logger;

    private AzuriteServer(Process process, Uri blobEndpoint, string dataFolder, bool ownsDataFolder, ILogger logger)
    {
        _process = process;
        BlobEndpoint = blobEndpoint;
        _dataFolder = dataFolder;
        _ownsDataFolder = ownsDataFolder;
        _logger = logger;
    }

    /// <summary>The blob endpoint, for example <c>http://127.0.0.1:41234/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint { get; }

    /// <summary>A connection string for the Azure SDK's <c>BlobServiceClient</c>.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>Starts Azurite's blob service and returns once it accepts connections.</summary>
    /// <exception cref="AzuriteNotInstalledException">The pinned Azurite package is not installed.</exception>
    /// <exception cref="InvalidOperationException">Azurite exited or did not start in time.</exception>
    public static async Task<AzuriteServer> StartAsync(AzuriteOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzuriteOptions();
        logger ??= NullLogger.Instance;
        var executable = AzuriteLocator.FindBlobExecutable(options.InstallRoot);
        var ownsDataFolder = options.DataFolder is null;
        var dataFolder = options.DataFolder ?? Path.Combine(Path.GetTempPath(), "heygen-render-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataFolder);

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", dataFolder, "--skipApiVersionCheck", "--disableProductStyleUrl",
        })
        {
            start.ArgumentList.Add(argument);
        }

        if (options.InMemory)
        {
            start.ArgumentList.Add("--inMemoryPersistence");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                listening.TrySetResult(new Uri(match.Groups["url"].Value.TrimEnd('/') + "/" + AccountName));
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException(
            "Azurite exited before it was ready: " + string.Join(Environment.NewLine, output)));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var endpoint = await listening.Task.WaitAsync(s_startTimeout, cancellationToken).ConfigureAwait(false);
            Log.Started(logger, endpoint, dataFolder);
            return new AzuriteServer(process, endpoint, dataFolder, ownsDataFolder, logger);
        }
        catch
        {
            Stop(process);
            if (ownsDataFolder)
            {
                TryDeleteFolder(dataFolder);
            }

            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!_ownsDataFolder)
        {
            // Kept data: Azurite saves its metadata every few seconds, so ask it to stop and save before it is killed.
            await StopGracefullyAsync(_process).ConfigureAwait(false);
        }

        Stop(_process);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        if (_ownsDataFolder)
        {
            TryDeleteFolder(_dataFolder);
        }

        Log.Stopped(_logger, BlobEndpoint);
    }

    private static async Task StopGracefullyAsync(Process process)
    {
        if (OperatingSystem.IsWindows() || process.HasExited)
        {
            return;
        }

        try
        {
            using var term = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false });
            if (term is not null)
            {
                await term.WaitForExitAsync().ConfigureAwait(false);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            // Not stopped in time (or no kill command): the hard stop follows.
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; never fail a shutdown over it.
        }
    }

    [GeneratedRegex(@"listens on (?<url>https?://\S+)")]
    private static partial Regex ListeningLine();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Azurite blob service listening on {Endpoint} (data in {DataFolder})")]
        public static partial void Started(ILogger logger, Uri endpoint, string dataFolder);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Azurite blob service on {Endpoint} stopped")]
        public static partial void Stopped(ILogger logger, Uri endpoint);
    }
}
