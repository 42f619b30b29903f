using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace HeyGenRender.LocalAzurite;

/// <summary>
/// A running Azurite (blob, queue and table services: what the pipeline and the Durable Task Azure Storage backend
/// need) on random loopback ports, started from the repository's pinned npm package (package.json).
/// There is one Azurite per data folder: a second start on a folder whose Azurite is still running reuses it.
/// The process dies with the one that started it, even after <c>kill -9</c>: it runs under a small shell that ends
/// it when its standard input, a pipe held by the parent, closes. Disposing stops it (when this instance started it)
/// and deletes its data folder unless the caller chose the folder.
/// </summary>
public sealed partial class AzuriteServer : IAsyncDisposable
{
    /// <summary>The well-known development account Azurite serves (documented by Azure Storage).</summary>
    public const string AccountName = "devstoreaccount1";

    /// <summary>The well-known development account key Azurite serves (documented by Azure Storage).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>The file in the data folder that names the Azurite serving it.</summary>
    public const string InstanceFile = "azurite-instance.json";

    // Ends Azurite when the parent closes (or loses) the pipe on standard input; TERM first so it saves its state.
    private const string Supervisor =
        "\"$0\" \"$@\" </dev/null & child=$!; cat >/dev/null; kill -TERM $child 2>/dev/null; " +
        "i=0; while kill -0 $child 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; kill -KILL $child 2>/dev/null; wait $child";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process? _process;
    private readonly Task _closed;
    private readonly string _dataFolder;
    private readonly bool _ownsDataFolder;
    private readonly ILogger _logger;

    private AzuriteServer(Process? process, Task closed, AzuriteEndpoints endpoints, string dataFolder, bool ownsDataFolder, ILogger logger)
    {
        _process = process;
        _closed = closed;
        Endpoints = endpoints;
        _dataFolder = dataFolder;
        _ownsDataFolder = ownsDataFolder;
        _logger = logger;
    }

    /// <summary>The three service endpoints.</summary>
    public AzuriteEndpoints Endpoints { get; }

    /// <summary>The blob endpoint, for example <c>http://127.0.0.1:41234/devstoreaccount1</c>.</summary>
    public Uri BlobEndpoint => Endpoints.Blob;

    /// <summary>Where Azurite keeps its data (a temporary folder, deleted on stop, unless one was configured).</summary>
    public string DataFolder => _dataFolder;

    /// <summary>True when this instance started the process (false: it reuses the folder's running Azurite).</summary>
    public bool Started => _process is not null;

    /// <summary>The id of the supervising process this instance started (Azurite's node process is its child); null when reused.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>A connection string for the Azure SDK clients (blobs, queues, tables).</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={Endpoints.Blob};QueueEndpoint={Endpoints.Queue};TableEndpoint={Endpoints.Table};";

    /// <summary>Starts Azurite, or finds the one already serving the data folder, and returns once it accepts connections.</summary>
    /// <exception cref="AzuriteNotInstalledException">The pinned Azurite package is not installed.</exception>
    /// <exception cref="InvalidOperationException">Azurite exited or did not start in time.</exception>
    public static async Task<AzuriteServer> StartAsync(AzuriteOptions? options = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options ??= new AzuriteOptions();
        logger ??= NullLogger.Instance;
        var executable = AzuriteLocator.FindExecutable(options.InstallRoot);
        var ownsDataFolder = options.DataFolder is null;
        var dataFolder = options.DataFolder ?? Path.Combine(Path.GetTempPath(), "heygen-render-azurite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataFolder);
        if (!ownsDataFolder && await FindRunningAsync(dataFolder, cancellationToken).ConfigureAwait(false) is { } running)
        {
            Log.Reused(logger, running.Blob, dataFolder);
            return new AzuriteServer(null, Task.CompletedTask, running, dataFolder, ownsDataFolder, logger);
        }

        var start = new ProcessStartInfo("sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Supervisor);
        start.ArgumentList.Add(executable);
        var port = options.Port.ToString(CultureInfo.InvariantCulture);
        foreach (var argument in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", port, "--queueHost", "127.0.0.1", "--queuePort", "0", "--tableHost", "127.0.0.1", "--tablePort", "0",
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
        var urls = new System.Collections.Concurrent.ConcurrentDictionary<string, Uri>(StringComparer.Ordinal);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closedServices = 0;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            output.Enqueue(line);
            if (ClosedLine().IsMatch(line) && Interlocked.Increment(ref closedServices) == 3)
            {
                closed.TrySetResult();
            }

            var match = ListeningLine().Match(line);
            if (match.Success)
            {
                urls[match.Groups["service"].Value] = new Uri(match.Groups["url"].Value.TrimEnd('/') + "/" + AccountName);
                if (urls.Count == 3)
                {
                    listening.TrySetResult();
                }
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
            await listening.Task.WaitAsync(s_startTimeout, cancellationToken).ConfigureAwait(false);
            var endpoints = new AzuriteEndpoints(urls["Blob"], urls["Queue"], urls["Table"]);
            await File.WriteAllTextAsync(Path.Combine(dataFolder, InstanceFile),
                JsonSerializer.Serialize(new InstanceRecord(process.Id, endpoints)), cancellationToken).ConfigureAwait(false);
            Log.Started(logger, endpoints.Blob, dataFolder);
            return new AzuriteServer(process, closed.Task, endpoints, dataFolder, ownsDataFolder, logger);
        }
        catch
        {
            Kill(process);
            process.Dispose();
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
        if (_process is null)
        {
            return;
        }

        // Closing the supervisor's standard input makes it send SIGTERM: Azurite saves its state and reports each
        // service closed, but does not always exit after that (3.37), so once all three are closed it is ended here.
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(8));
            await Task.WhenAny(_closed, _process.WaitForExitAsync(timeout.Token)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            // Not stopped in time: the hard stop follows.
        }

        Kill(_process);
        await _process.WaitForExitAsync().ConfigureAwait(false);
        _process.Dispose();
        var record = Path.Combine(_dataFolder, InstanceFile);
        if (_ownsDataFolder)
        {
            TryDeleteFolder(_dataFolder);
        }
        else if (File.Exists(record))
        {
            File.Delete(record);
        }

        Log.Stopped(_logger, BlobEndpoint);
    }

    // The folder's Azurite, when the process that started it still runs and its services still answer.
    private static async Task<AzuriteEndpoints?> FindRunningAsync(string dataFolder, CancellationToken cancellationToken)
    {
        InstanceRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<InstanceRecord>(await File.ReadAllTextAsync(Path.Combine(dataFolder, InstanceFile), cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }

        if (record is null || !IsRunning(record.SupervisorPid))
        {
            return null;
        }

        foreach (var endpoint in new[] { record.Endpoints.Blob, record.Endpoints.Queue, record.Endpoints.Table })
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return null;
            }
        }

        return record.Endpoints;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Kill(Process process)
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

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at (?<url>https?://\S+)")]
    private static partial Regex ListeningLine();

    [GeneratedRegex(@"Azurite (Blob|Queue|Table) service successfully closed")]
    private static partial Regex ClosedLine();

    private sealed record InstanceRecord(int SupervisorPid, AzuriteEndpoints Endpoints);

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Azurite listening on {Endpoint} (data in {DataFolder})")]
        public static partial void Started(ILogger logger, Uri endpoint, string dataFolder);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Azurite on {Endpoint} stopped")]
        public static partial void Stopped(ILogger logger, Uri endpoint);

        [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Azurite already serves {DataFolder} on {Endpoint}; using it")]
        public static partial void Reused(ILogger logger, Uri endpoint, string dataFolder);
    }
}

/// <summary>Azurite's service endpoints, each ending in the account name.</summary>
/// <param name="Blob">The blob service.</param>
/// <param name="Queue">The queue service.</param>
/// <param name="Table">The table service.</param>
public sealed record AzuriteEndpoints(Uri Blob, Uri Queue, Uri Table);
