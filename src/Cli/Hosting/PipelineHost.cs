using HeyGen.Client;
using HeyGenRender.LocalDurableTask;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Cli.Hosting;

/// <summary>
/// The pipeline outside Azure Functions: the Functions app's HTTP surface on Kestrel (loopback by default),
/// the inbox watcher in place of the blob trigger, and the workflow on the Durable Task engine: a
/// <c>Microsoft.DurableTask</c> worker and client over <see cref="LocalDurableTaskHost"/>, by default on the Azure
/// Storage backend in the same storage account, so renders survive a restart of the process.
/// Used by <c>serve</c>, and by <c>render</c> when it runs the embedded defaults.
/// </summary>
internal sealed class PipelineHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly LocalDurableTaskHost _engine;

    private PipelineHost(WebApplication app, LocalDurableTaskHost engine, Uri baseAddress)
    {
        _app = app;
        _engine = engine;
        BaseAddress = baseAddress;
    }

    /// <summary>Where the HTTP API listens, e.g. <c>http://127.0.0.1:7071</c> (no trailing slash).</summary>
    public Uri BaseAddress { get; }

    /// <summary>The host's services (the pipeline's handlers, the Durable Task worker and client, the inbox watcher).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>The inbox watcher.</summary>
    public InboxWatcher Inbox => _app.Services.GetRequiredService<InboxWatcher>();

    /// <summary>The Durable Task client (status, events, termination of renders).</summary>
    public DurableTaskClient Orchestrations => _app.Services.GetRequiredService<DurableTaskClient>();

    /// <summary>
    /// Starts the host on <paramref name="urls"/>. When <paramref name="registerWebhookWithHeyGen"/> is set, a webhook endpoint
    /// pointing at this host is registered with HeyGen (the embedded emulator) and its signing secret used, so the emulator's
    /// signed webhooks reach the pipeline's webhook handler.
    /// </summary>
    public static async Task<PipelineHost> StartAsync(
        IConfiguration configuration,
        TimeProvider time,
        string urls,
        bool registerWebhookWithHeyGen,
        Action<ILoggingBuilder>? configureLogging = null,
        CancellationToken cancellationToken = default,
        Action<IServiceCollection>? configureServices = null)
    {
        var durable = DurableOptions(configuration);
        var engineLogging = LoggerFactory.Create(logging =>
        {
            configureLogging?.Invoke(logging);

            // The engine's own chatter (slow lease-table writes while stopping, the worker's idle stream being recycled) only as errors.
            logging.AddFilter("DurableTask", LogLevel.Error).AddFilter("Microsoft.DurableTask", LogLevel.Error);
        });
        var engine = await LocalDurableTaskHost.StartAsync(durable, engineLogging, cancellationToken).ConfigureAwait(false);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddConfiguration(configuration);

        // Values learned at run time (the webhook secret) go here; options monitors see them after a reload.
        builder.Configuration.AddInMemoryCollection();
        builder.Logging.ClearProviders();
        configureLogging?.Invoke(builder.Logging);
        builder.WebHost.UseUrls(urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);

        var services = builder.Services;
        services.AddSingleton(time);
        services.AddRenderIntake(builder.Configuration);
        services.AddLocalWebhookDispatch();
        services.AddRenderWorkflow(builder.Configuration);
        services.AddLocalDurableTask(engine, durable, tasks => tasks.AddRenderWorkflow(), OrchestrationJson.Options);
        var endpoint = configuration[CliConfiguration.HeyGenEndpoint];
        services.AddHeyGenClient((sp, o) =>
        {
            o.Endpoint = string.IsNullOrEmpty(endpoint) ? HeyGenClientOptions.DefaultEndpoint : new Uri(endpoint);
            o.ApiKeyProvider = sp.GetRequiredService<HeyGenApiKeyProvider>();
            o.TimeProvider = time;
        });
        services.AddOptions<InboxWatcherOptions>().Bind(builder.Configuration.GetSection(InboxWatcherOptions.SectionName));
        services.AddOptions<StorageOptions>().Configure<IOptions<InboxWatcherOptions>>((storage, inbox) => storage.InternalContainers.Add(inbox.Value.ReceiptsContainer));
        services.AddSingleton<InboxWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWatcher>());

        CliTelemetry.AddOtlpWhenConfigured(services, builder.Configuration);
        configureServices?.Invoke(services);
        builder.Logging.AddFilter("Microsoft.DurableTask", LogLevel.Error);
        var app = builder.Build();
        MapEndpoints(app);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("Kestrel reported no address.");
            var baseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/'));
            if (registerWebhookWithHeyGen)
            {
                var client = app.Services.GetRequiredService<HeyGenClient>();
                var registered = await client.Webhooks.CreateEndpointAsync(
                    new CreateWebhookEndpointRequest { Url = new Uri(baseAddress, WebhookIntake.Route).ToString() },
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                app.Configuration[CliConfiguration.WebhookSecret] = registered.Secret;
                ((IConfigurationRoot)app.Configuration).Reload();
            }

            return new PipelineHost(app, engine, baseAddress);
        }
        catch
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            await engine.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The Functions app's HTTP routes, each delegating to the pipeline's host-agnostic handler.</summary>
    private static void MapEndpoints(WebApplication app)
    {
        app.MapPost(RenderApi.RoutePrefix, async (HttpContext context, RenderApi api) =>
        {
            var key = context.Request.Headers[RenderApi.IdempotencyKeyHeader].FirstOrDefault();
            await WriteAsync(context, await api.StartAsync(context.Request.Body, key, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
        });
        app.MapGet(RenderApi.RoutePrefix, async (HttpContext context, RenderApi api) =>
            await WriteAsync(context, await api.ListAsync(context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapGet(RenderApi.RoutePrefix + "/{id}/files/{**name}", async (HttpContext context, string id, string name, RenderFileReader files) =>
            await StreamFileAsync(context, id, name, files).ConfigureAwait(false));
        app.MapGet("/", () => Results.Content(DashboardPage.Html, "text/html; charset=utf-8"));
        app.MapGet(RenderApi.RoutePrefix + "/{id}", async (HttpContext context, string id, RenderApi api) =>
            await WriteAsync(context, await api.GetStatusAsync(id, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapPost(RenderApi.RoutePrefix + "/{id}/cancel", async (HttpContext context, string id, RenderApi api) =>
            await WriteAsync(context, await api.CancelAsync(id, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false));
        app.MapPost(WebhookIntake.Route, async (HttpContext context, WebhookIntake intake) =>
        {
            var headers = context.Request.Headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value.OfType<string>()));
            await WriteAsync(context, await intake.HandleAsync(context.Request.Body, headers, context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
        });
    }

    // A render file straight from its blob, read in blocks as the player asks (range requests), never held whole.
    private static async Task StreamFileAsync(HttpContext context, string id, string name, RenderFileReader files)
    {
        var file = await files.OpenAsync(id, name, context.RequestAborted).ConfigureAwait(false);
        if (file.Error is { } error)
        {
            await WriteAsync(context, error).ConfigureAwait(false);
            return;
        }

        await Results.File(file.Content!, file.ContentType, enableRangeProcessing: true).ExecuteAsync(context).ConfigureAwait(false);
    }

    private static async Task WriteAsync(HttpContext context, ApiResponse response)
    {
        context.Response.StatusCode = response.StatusCode;
        foreach (var (name, value) in response.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (response.Body is not null)
        {
            context.Response.ContentType = ApiResponse.JsonContentType;
            await context.Response.WriteAsync(response.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    /// <summary>Runs until the host shuts down (Ctrl+C with <c>serve</c>) or <paramref name="cancellationToken"/> fires.</summary>
    public async Task WaitForShutdownAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected end.
        }
    }

    /// <summary>The engine's settings: section <c>Durable</c>, its storage the pipeline's own unless configured apart.</summary>
    internal static LocalDurableTaskOptions DurableOptions(IConfiguration configuration)
    {
        var options = new LocalDurableTaskOptions();
        configuration.GetSection(LocalDurableTaskOptions.SectionName).Bind(options);
        if (string.IsNullOrEmpty(options.StorageConnectionString))
        {
            options.StorageConnectionString = configuration[CliConfiguration.StorageConnectionString];
        }

        return options;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The worker first (it finishes or abandons its work items), then the engine under it.
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _engine.DisposeAsync().ConfigureAwait(false);
    }
}
