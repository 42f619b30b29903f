using System.CommandLine;
using HeyGen.Emulator;
using Microsoft.Extensions.Configuration;

namespace HeyGenRender.Cli.Commands;

/// <summary><c>emulator</c>: runs the HeyGen emulator standalone until Ctrl+C.</summary>
internal sealed class EmulatorCommand(CliEnvironment environment) : ICommandDefinition
{
    /// <summary>The default address: the one <c>local.settings.sample.json</c> points <c>HeyGen__Endpoint</c> at, on loopback only.</summary>
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public IEnumerable<(Command Command, string[] Examples)> Build()
    {
        var urls = new Option<string>("--urls")
        {
            Description = $"Where the emulator listens (loopback by default; several separated by ';'; port 0 picks a free one). Default: {DefaultUrls}.",
            DefaultValueFactory = _ => DefaultUrls,
        };
        var renderDuration = new Option<TimeSpan?>("--render-duration")
        {
            Description = "How long each job takes from create to completed (Emulator__RenderDuration; default 00:00:30).",
        };
        var apiKey = new Option<string?>("--api-key")
        {
            Description = "The API key the emulator accepts in X-Api-Key (Emulator__ApiKey; default emulator-key).",
        };
        var command = new Command("emulator", "Runs the HeyGen v3 emulator standalone on loopback until Ctrl+C: direct upload, jobs, signed webhooks, limits, faults.")
        {
            urls,
            renderDuration,
            apiKey,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var configuration = CliConfiguration.Build(environment, parseResult.GetValue(CommonOptions.Config),
            [
                new("Emulator:RenderDuration", parseResult.GetValue(renderDuration)?.ToString("c")),
                new("Emulator:ApiKey", parseResult.GetValue(apiKey)),
            ]);
            var options = new EmulatorOptions();
            configuration.GetSection(EmulatorOptions.SectionName).Bind(options);
            HeyGenEmulatorHost emulator;
            try
            {
                emulator = await HeyGenEmulatorHost.StartAsync(parseResult.GetValue(urls)!, options, environment.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException ex)
            {
                await environment.Error.WriteLineAsync($"error: --urls: cannot listen on {parseResult.GetValue(urls)}: {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Unavailable;
            }

            await using var running = emulator;
            await environment.Out.WriteLineAsync($"HeyGen emulator listening on {emulator.BaseAddress} (X-Api-Key: the configured key, by default emulator-key). Ctrl+C stops it.").ConfigureAwait(false);
            await environment.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, environment.Time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C: stop cleanly.
            }

            return ExitCodes.Success;
        });
        yield return (command, ["heygen-render emulator", "heygen-render emulator --urls http://127.0.0.1:0   # a free port, printed at start", "heygen-render emulator --render-duration 00:00:05 --api-key my-test-key"]);
    }
}
