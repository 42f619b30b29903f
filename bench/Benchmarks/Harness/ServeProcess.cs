using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary><c>heygen-render serve</c> (src/Cli) in its own process, configured through environment variables.</summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private TextWriter? _logFile;

    private ServeProcess(Process process, Uri baseAddress, string taskHub, string eventsContainer, string? journalFolder)
    {
        _process = process;
        BaseAddress = baseAddress;
        TaskHub = taskHub;
        EventsContainer = eventsContainer;
        JournalFolder = journalFolder;
    }

    /// <summary>serve's webhook journal folder (null: its journal is the queue named <see cref="EventsContainer"/>).</summary>
    public string? JournalFolder { get; }

    /// <summary>serve's Durable task hub (its queues and tables are named after it).</summary>
    public string TaskHub { get; }

    /// <summary>serve's webhook-events container, and the name of its webhook journal queue.</summary>
    public string EventsContainer { get; }

    public Uri BaseAddress { get; }

    /// <summary>serve's process id (its own Azurite, when it starts one, is a descendant).</summary>
    public int ProcessId => _process.Id;

    public string OutputTail => string.Join('\n', _output.TakeLast(40));

    /// <summary>A free loopback port (so a webhook endpoint can be registered before serve starts).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<ServeProcess> StartAsync(int port, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(CliProcess.Executable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "serve", "--urls", $"http://127.0.0.1:{port}" })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["Logging__LogLevel__Default"] = "Warning";

        // Renders are durable: each serve gets its own task hub and HeyGen slot semaphore (in its own webhook-events
        // container), or it would resume the renders an earlier variant left running and queue behind their slots.
        var run = Guid.NewGuid().ToString("N")[..12];
        start.Environment.TryAdd("Durable__TaskHub", "bench" + run);
        start.Environment.TryAdd("Storage__WebhookEventsContainer", "events-" + run);

        // The webhook journal on the local disk, as serve keeps it beside its embedded Azurite (the benchmarks give it
        // their own Azurite instead, so serve would otherwise journal to that Azurite's queue).
        start.Environment.TryAdd("Webhooks__JournalFolder", Path.Combine(Path.GetTempPath(), "heygen-bench-journal-" + run));
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start serve.");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var serve = new ServeProcess(process, new Uri($"http://127.0.0.1:{port}/"), start.Environment["Durable__TaskHub"]!, start.Environment["Storage__WebhookEventsContainer"]!, start.Environment["Webhooks__JournalFolder"] is { Length: > 0 } journal ? journal : null);

        // BENCH_SERVE_LOG_FILE: every line serve writes goes to this file too (diagnosing a run; add Logging__ settings to see more).
        if (Environment.GetEnvironmentVariable("BENCH_SERVE_LOG_FILE") is { Length: > 0 } file)
        {
            serve._logFile = TextWriter.Synchronized(new StreamWriter(file, append: true) { AutoFlush = true });
        }

        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            serve._logFile?.WriteLine($"{TimeProvider.System.GetUtcNow():HH:mm:ss.fff} {line}");
            serve._output.Enqueue(line);
            if (serve._output.Count > 400)
            {
                serve._output.TryDequeue(out _);
            }

            if (line.Contains("serving on", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("serve exited: " + serve.OutputTail));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromSeconds(90), cancellationToken);
        }
        catch
        {
            await serve.DisposeAsync();
            throw;
        }

        return serve;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            await _process.WaitForExitAsync();
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
        _logFile?.Dispose();
        if (JournalFolder is not null && JournalFolder.Contains("heygen-bench-journal-", StringComparison.Ordinal) && Directory.Exists(JournalFolder))
        {
            Directory.Delete(JournalFolder, recursive: true);
        }
    }
}
