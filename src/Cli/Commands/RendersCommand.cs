using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using HeyGenRender.Cli.Hosting;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Cli.Commands;

/// <summary><c>renders list</c>: the finished renders, read from the renders container (their result.json or error.json).</summary>
internal sealed class RendersCommand(CliEnvironment environment) : ICommandDefinition
{
    public IEnumerable<(Command Command, string[] Examples)> Build()
    {
        var renders = new Command("renders", "Inspects renders in storage.");
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first.", DefaultValueFactory = _ => 20 };
        var storage = CommonOptions.Storage();
        var azuriteData = CommonOptions.AzuriteData();
        var list = new Command("list", "Lists finished renders (result.json or error.json in the renders container), newest first, with status, kind and outputs.")
        {
            limit, storage, azuriteData,
        };
        list.SetAction(async (parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build(environment, parseResult.GetValue(CommonOptions.Config), CommonOptions.PipelineValues(parseResult, storage, azuriteData, environment));
            return await Guard.RunAsync(environment, async () =>
            {
                using var loggerFactory = CliLogging.CreateFactory(LogLevel.Warning);
                await using var defaults = await EmbeddedDefaults.StartAsync(configuration, environment.Time, loggerFactory.CreateLogger("HeyGenRender.Cli"), storage: true, heyGen: false, cancellationToken).ConfigureAwait(false);
                await using var services = OperationsServices.Create(defaults.Configuration, environment, loggerFactory);
                var options = new StorageOptions();
                defaults.Configuration.GetSection(StorageOptions.SectionName).Bind(options);
                var container = services.Services.GetRequiredService<BlobServiceClient>().GetBlobContainerClient(options.RendersContainer);
                if (!await container.ExistsAsync(cancellationToken).ConfigureAwait(false))
                {
                    await environment.Out.WriteLineAsync($"no renders yet (container '{options.RendersContainer}' does not exist)").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                var found = new List<(string Name, DateTimeOffset At)>();
                await foreach (var blob in container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
                {
                    if (blob.Name.EndsWith("/" + OutputLocation.ResultFile, StringComparison.Ordinal) || blob.Name.EndsWith("/" + OutputLocation.ErrorFile, StringComparison.Ordinal))
                    {
                        found.Add((blob.Name, blob.Properties.LastModified ?? DateTimeOffset.MinValue));
                    }
                }

                if (found.Count == 0)
                {
                    await environment.Out.WriteLineAsync("no finished renders").ConfigureAwait(false);
                }

                foreach (var (name, at) in found.OrderByDescending(f => f.At).Take(parseResult.GetValue(limit)))
                {
                    var content = await container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
                    using var document = JsonDocument.Parse(content.Value.Content.ToMemory());
                    var root = document.RootElement;
                    string Get(string property) => root.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "-";
                    var detail = Get("status") == "completed"
                        ? Get("kind") + "  " + string.Join(" ", root.TryGetProperty("files", out var files) ? files.EnumerateArray().Select(f => f.GetProperty("blob").GetString()) : [])
                        : $"{Get("stage")}: {Get("failure_code")}: {Get("failure_message")}";
                    await environment.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{Get("render_id"),-34} {Get("status"),-9} {at:yyyy-MM-dd HH:mm:ss}Z  {detail}")).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }).ConfigureAwait(false);
        });
        renders.Add(list);
        yield return (renders, ["heygen-render renders list --azurite-data .local/azurite"]);
        yield return (list, ["heygen-render renders list --azurite-data .local/azurite   # what ./run.sh produced", "Storage__ConnectionString=… heygen-render renders list --limit 5"]);
    }
}
