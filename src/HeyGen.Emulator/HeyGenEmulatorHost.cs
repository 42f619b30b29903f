using HeyGen.Emulator.Api;
using HeyGen.Emulator.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HeyGen.Emulator;

/// <summary>
/// A running HeyGen v3 emulator on a loopback port. Start one per test (or per fixture) with <see cref="StartAsync(string, EmulatorOptions?, TimeProvider?, CancellationToken)"/>;
/// dispose it to stop it and delete its uploads.
/// </summary>
public sealed class HeyGenEmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Store _store;
    private readonly bool _ownsStorage;

    private HeyGenEmulatorHost(WebApplication app, Store store, bool ownsStorage)
    {
        _app = app;
        _store = store;
        _ownsStorage = ownsStorage;
        State = new EmulatorState(store);
    }

    /// <summary>Where the emulator listens, e.g. <c>http://127.0.0.1:51234</c> (no trailing slash).</summary>
    public Uri BaseAddress => new(_store.Urls.BaseAddress);

    /// <summary>The API key the emulator accepts.</summary>
    public string ApiKey => _store.Options.ApiKey;

    /// <summary>Jobs, assets, deliveries and credits as they are now.</summary>
    public EmulatorState State { get; }

    /// <summary>The faults in force; change them at any time.</summary>
    public EmulatorFaults Faults => _store.Faults;

    /// <summary>
    /// Starts an emulator on 127.0.0.1 and a free port. All of its time (job progress, URL expiry, rate limits, webhook
    /// backoff) comes from <paramref name="timeProvider"/> (default: the system clock).
    /// </summary>
    /// <exception cref="IOException">The port could not be bound.</exception>
    public static Task<HeyGenEmulatorHost> StartAsync(EmulatorOptions? options = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        StartAsync("http://127.0.0.1:0", options, timeProvider, cancellationToken);

    /// <summary>
    /// Starts an emulator listening on <paramref name="urls"/> (ASP.NET Core <c>--urls</c> syntax, e.g. <c>http://127.0.0.1:5080</c>;
    /// several separated by <c>;</c>; port 0 picks a free one). <see cref="BaseAddress"/> is the first of them.
    /// </summary>
    /// <exception cref="IOException">A port could not be bound.</exception>
    public static async Task<HeyGenEmulatorHost> StartAsync(string urls, EmulatorOptions? options = null, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(urls);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(urls);
        var host = Build(builder, options ?? new EmulatorOptions(), timeProvider ?? TimeProvider.System);
        await host._app.StartAsync(cancellationToken).ConfigureAwait(false);
        host.CaptureAddress();
        return host;
    }

    /// <summary>Builds the emulator onto <paramref name="builder"/> (used by standalone runs and <see cref="StartAsync(string, EmulatorOptions?, TimeProvider?, CancellationToken)"/>).</summary>
    internal static HeyGenEmulatorHost Build(WebApplicationBuilder builder, EmulatorOptions options, TimeProvider time)
    {
        // Direct uploads may be gigabytes; each endpoint enforces its own cap while streaming to disk.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(f => f.MultipartBodyLengthLimit = long.MaxValue);
        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("HeyGen.Emulator");
        var ownsStorage = options.StorageDirectory is null;
        var storage = options.StorageDirectory ?? Path.Combine(Path.GetTempPath(), "heygen-emulator", Path.GetRandomFileName());
        Directory.CreateDirectory(storage);
        var store = new Store(options, time, new EmulatorFaults(options.FaultSeed, options.Faults), storage, logger);
        var host = new HeyGenEmulatorHost(app, store, ownsStorage);

        Pipeline.Use(app, store, logger);
        JobEndpoints.Map(app, store);
        AssetEndpoints.Map(app, store);
        AccountEndpoints.Map(app, store);
        FileEndpoints.Map(app, store);
        ControlEndpoints.Map(app, store, host.State);
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            host.CaptureAddress();
            Log.Listening(logger, store.Urls.BaseAddress);
        });
        return host;
    }

    /// <summary>Runs until the host shuts down (standalone).</summary>
    internal async Task RunAsync()
    {
        try
        {
            await _app.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            Cleanup();
        }
    }

    /// <summary>
    /// Completes when no webhook delivery is on the wire. Deliveries waiting for a timer (retry backoff, injected delay)
    /// are not awaited: move time to release them, then wait again.
    /// </summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken = default) => _store.Dispatcher.WaitForIdleAsync(cancellationToken);

    /// <summary>Forgets all jobs, assets, endpoints, events and faults; refills the wallet.</summary>
    public void Reset()
    {
        _store.Reset();
        _store.Faults.Clear();
    }

    /// <summary>Stops the server.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default) => await _app.StopAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        Cleanup();
    }

    private void Cleanup()
    {
        _store.Dispose();
        if (_ownsStorage)
        {
            try
            {
                Directory.Delete(_store.StorageDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private void CaptureAddress()
    {
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is not null)
        {
            _store.Urls.BaseAddress = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        }
    }
}
