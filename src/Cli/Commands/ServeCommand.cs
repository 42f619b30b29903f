using System.CommandLine;
using HeyGenRender.Cli.Hosting;
using HeyGenRender.Pipeline.Api;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Webhooks;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Cli.Commands;

/// <summary><c>serve</c>: the Functions app's HTTP surface and inbox trigger on this machine, until Ctrl+C.</summary>
internal sealed class ServeCommand(CliEnvironment environment) : ICommandDefinition
{
    /// <summary>The default address: the port <c>func start</c> uses, on loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:7071";

    public IEnumerable<(Command Command, string[] Examples)> Build()
    {
        var urls = new Option<string>("--urls")
        {
            Description = "Where the HTTP API listens (loopback by default; port 0 picks a free one).",
            DefaultValueFactory = _ => DefaultUrls,
        };
        var pollInterval = new Option<TimeSpan?>("--inbox-poll-interval")
        {
            Description = "How often the inbox container is listed for new job blobs (Inbox__PollInterval; default 00:00:01).",
        };
        var storage = CommonOptions.Storage();
        var azuriteData = CommonOptions.AzuriteData();
        var command = new Command(
            "serve",
            "Serves the pipeline's HTTP API (POST /api/renders, GET /api/renders/{id}, POST /api/renders/{id}/cancel, " +
            "POST /api/webhooks/heygen) and starts a render for every job blob dropped into the inbox container, " +
            "as the Functions app does. Starts the embedded defaults that configuration does not replace. " +
            "Renders run on the Durable Task engine with their state in the storage account (Azurite's by default), " +
            "so a render in flight when serve stops or crashes resumes when serve starts again.")
        {
            urls, pollInterval, storage, azuriteData,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build(environment, parseResult.GetValue(CommonOptions.Config),
            [
                .. CommonOptions.PipelineValues(parseResult, storage, azuriteData, environment),
                new("Inbox:PollInterval", parseResult.GetValue(pollInterval)?.ToString("c")),
            ]);
            using var loggerFactory = CliLogging.CreateFactory(LogLevel.Information);
            var logger = loggerFactory.CreateLogger("HeyGenRender.Cli");
            await using var defaults = await EmbeddedDefaults.StartAsync(configuration, environment.Time, logger, cancellationToken).ConfigureAwait(false);
            await using var host = await PipelineHost.StartAsync(
                defaults.Configuration, environment.Time, parseResult.GetValue(urls)!, registerWebhookWithHeyGen: defaults.Emulator is not null,
                CliLogging.ToStandardError(LogLevel.Information), cancellationToken).ConfigureAwait(false);
            var storageOptions = new StorageOptions();
            var inbox = defaults.Configuration["Storage:RequestsContainer"] ?? storageOptions.RequestsContainer;
            var storageText = defaults.Azurite is null ? "configured" : "embedded Azurite at " + defaults.Azurite.BlobEndpoint;
            var heyGenText = defaults.Emulator is null ? "configured API" : "embedded emulator at " + defaults.Emulator.BaseAddress;
            string[] lines =
            [
                $"HeyGen Render serving on {host.BaseAddress}",
                $"  POST {RenderApi.RoutePrefix}               start a render (body: job spec; an Idempotency-Key header makes a repeat safe)",
                $"  GET  {RenderApi.RoutePrefix}/{{id}}          status",
                $"  POST {RenderApi.RoutePrefix}/{{id}}/cancel   cancel",
                $"  POST {WebhookIntake.Route}       HeyGen's signed webhooks",
                $"  inbox: container '{inbox}' (each new *.json job blob starts a render)",
                $"  storage: {storageText}; HeyGen: {heyGenText}",
                .. defaults.Azurite is null ? Array.Empty<string>() : [$"  storage connection string (Azurite's development account): {defaults.Azurite.ConnectionString}"],
                "Ctrl+C stops.",
            ];
            foreach (var line in lines)
            {
                await environment.Out.WriteLineAsync(line).ConfigureAwait(false);
            }

            await environment.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            await host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        yield return (command,
        [
            "heygen-render serve",
            "heygen-render serve --urls http://127.0.0.1:8080 --azurite-data .local/azurite",
            "Storage__ConnectionString='DefaultEndpointsProtocol=https;…' Secrets__HeyGenApiKey=… heygen-render serve",
            "curl -X POST http://127.0.0.1:7071/api/renders -H 'Idempotency-Key: demo-1' --data-binary @samples/avatar-video.json",
        ]);
    }
}
