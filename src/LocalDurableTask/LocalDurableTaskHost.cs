using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.LocalDurableTask;

/// <summary>
/// The Durable Task engine for one machine: the Durable gRPC protocol (<see cref="TaskHubGrpcServer"/>) served on a
/// random loopback port over a DurableTask.Core backend, which a <c>Microsoft.DurableTask</c> worker and client reach
/// through <see cref="Channel"/>. With <see cref="DurableBackend.AzureStorage"/> the state is where Durable Functions
/// keeps it (queues, tables and blobs of one task hub), so renders survive the process; a restarted host picks them up.
/// </summary>
public sealed class LocalDurableTaskHost : IAsyncDisposable
{
    private readonly WebApplication _sidecar;

    private LocalDurableTaskHost(WebApplication sidecar, Uri address)
    {
        _sidecar = sidecar;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
    }

    /// <summary>Where the engine listens (HTTP/2, loopback).</summary>
    public Uri Address { get; }

    /// <summary>The channel for <c>UseGrpc</c> of the worker and the client.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>Creates the task hub if needed and starts serving it.</summary>
    /// <exception cref="InvalidOperationException">Azure Storage was chosen without a connection string.</exception>
    public static async Task<LocalDurableTaskHost> StartAsync(LocalDurableTaskOptions options, ILoggerFactory loggerFactory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var service = CreateService(options, loggerFactory);
        await service.Dispatched.CreateIfNotExistsAsync().ConfigureAwait(false);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(service.Dispatched);
        builder.Services.AddSingleton(service.Client);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        var app = builder.Build();
        app.MapGrpcService<TaskHubGrpcServer>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The Durable Task sidecar reported no address.");
        return new LocalDurableTaskHost(app, new Uri(address));
    }

    // The sidecar's dispatchers get the backend through SidecarOrchestrationService (safe to stop during its start); its
    // API calls (start, raise, query, purge) get the backend itself, whose client interfaces it looks for.
    private static (IOrchestrationService Dispatched, IOrchestrationServiceClient Client) CreateService(LocalDurableTaskOptions options, ILoggerFactory loggerFactory)
    {
        if (options.Backend == DurableBackend.InMemory)
        {
            var memory = new InMemoryBackend(loggerFactory, options.MaxConcurrentOrchestrations, options.MaxConcurrentActivities);
            return (memory, memory);
        }

        if (options.Backend != DurableBackend.AzureStorage)
        {
            throw new InvalidOperationException($"Unknown Durable backend '{options.Backend}'.");
        }

        var storage = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHub,
            StorageAccountClientProvider = new StorageAccountClientProvider(options.StorageConnectionString is { Length: > 0 } connection
                ? connection
                : throw new InvalidOperationException($"The Azure Storage backend needs {LocalDurableTaskOptions.SectionName}:{nameof(LocalDurableTaskOptions.StorageConnectionString)}.")),
            PartitionCount = options.PartitionCount,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            WorkItemQueueVisibilityTimeout = options.WorkItemVisibilityTimeout,
            ControlQueueVisibilityTimeout = options.ControlQueueVisibilityTimeout,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestrations,
            LoggerFactory = loggerFactory,

            // One host per task hub on one machine: no app lease to wait for after a crash (Durable Functions uses it
            // to keep two deployments of one app apart).
            UseAppLease = false,
        });
        return (new SidecarOrchestrationService(storage), storage);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _sidecar.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Work items still open are abandoned; the backend hands them out again after their visibility timeout.
        }

        await _sidecar.DisposeAsync().ConfigureAwait(false);
    }
}
