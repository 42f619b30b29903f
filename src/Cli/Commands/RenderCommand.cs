using System.CommandLine;
using HeyGenRender.Cli.Rendering;

namespace HeyGenRender.Cli.Commands;

/// <summary><c>render &lt;job.json&gt; [assets…]</c>: one render, followed live, outputs saved locally.</summary>
internal sealed class RenderCommand(CliEnvironment environment) : ICommandDefinition
{
    public IEnumerable<(Command Command, string[] Examples)> Build()
    {
        var job = new Argument<string>("job") { Description = "The job spec (JSON, schemas/job-spec.v1.schema.json)." };
        var assets = new Argument<string[]>("assets")
        {
            Description = "Local files the job references as blobs in the inbox container, matched by name. Files beside the job are found without being named.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        // Tokens after the job that match no option land here; one that looks like an option is a typo, not a file
        // (a file really named "-x" can be given as ./-x).
        assets.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => t.Value.StartsWith('-')))
            {
                result.AddError($"unknown option '{token.Value}' for 'render' (asset file names cannot start with '-'; write ./{token.Value} for such a file).");
            }
        });
        var output = new Option<string>("--out")
        {
            Description = "Where the local copy goes: {out}/{render id}/video.mp4, result.json, ….",
            DefaultValueFactory = _ => "out",
        };
        var server = new Option<string?>("--server")
        {
            Description = "A running 'heygen-render serve' (e.g. http://127.0.0.1:7071) sharing this storage; by default the pipeline runs in this process on the embedded defaults.",
        };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long to wait for the render (exit code 4 after it).",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(30),
        };
        var pollInterval = new Option<TimeSpan>("--poll-interval")
        {
            Description = "How often the render's status is read.",
            DefaultValueFactory = _ => TimeSpan.FromMilliseconds(500),
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log the pipeline's steps to standard error." };
        var storage = CommonOptions.Storage();
        var azuriteData = CommonOptions.AzuriteData();
        var command = new Command(
            "render",
            "Renders one job: uploads its local assets and the job into the inbox container, follows the render live " +
            "(stage, elapsed time, bytes uploaded and downloaded), prints the output blobs and saves a local copy. " +
            "Exit codes: 0 done, 1 render failed (HeyGen's message shown), 2 bad input (every problem listed), 3 a service could not be reached, 4 timeout. " +
            "Re-running the same job with the same storage finds the same render and redoes nothing.")
        {
            job, assets, output, server, timeout, pollInterval, verbose, storage, azuriteData,
        };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            Uri? serverUri = null;
            if (parseResult.GetValue(server) is { } serverText && (!Uri.TryCreate(serverText, UriKind.Absolute, out serverUri) || serverUri.Scheme is not ("http" or "https")))
            {
                await environment.Error.WriteLineAsync($"error: --server: '{serverText}' is not an absolute http(s) URL.").ConfigureAwait(false);
                return ExitCodes.BadInput;
            }

            var configuration = CliConfiguration.Build(environment, parseResult.GetValue(CommonOptions.Config),
                CommonOptions.PipelineValues(parseResult, storage, azuriteData, environment));
            var arguments = new RenderArguments(
                parseResult.GetValue(job)!,
                parseResult.GetValue(assets) ?? [],
                parseResult.GetValue(output)!,
                serverUri,
                parseResult.GetValue(timeout),
                parseResult.GetValue(pollInterval),
                parseResult.GetValue(verbose));
            return await Guard.RunAsync(environment, () => new RenderRunner(environment).RunAsync(arguments, configuration, cancellationToken)).ConfigureAwait(false);
        });
        yield return (command,
        [
            "heygen-render render samples/avatar-video.json",
            "heygen-render render samples/image-to-video.json samples/assets/portrait.jpg --out ./renders",
            "heygen-render render job.json --server http://127.0.0.1:7071 --storage \"$Storage__ConnectionString\"",
            "Secrets__HeyGenApiKey=… heygen-render render samples/avatar-video.json   # the real HeyGen API",
        ]);
    }
}
