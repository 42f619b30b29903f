using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using HeyGenRender.Cli.Commands;

namespace HeyGenRender.Cli;

/// <summary>The <c>heygen-render</c> command tree.</summary>
internal static class CliApplication
{
    /// <summary>Parses <paramref name="args"/> and runs the command. Parse errors are bad input (exit code 2), every one listed.</summary>
    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken = default)
    {
        var root = BuildRootCommand(environment);
        var parseResult = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = environment.Out, Error = environment.Error };
        if (parseResult.Errors.Count > 0 && parseResult.Action is not (HelpAction or ExamplesHelpAction))
        {
            foreach (var error in parseResult.Errors)
            {
                await environment.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await environment.Error.WriteLineAsync("Run 'heygen-render " + CommandPath(parseResult.CommandResult.Command) + "--help' for usage.").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }

        return await parseResult.InvokeAsync(invocation, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Builds the command tree; actions run against <paramref name="environment"/>.</summary>
    public static RootCommand BuildRootCommand(CliEnvironment environment)
    {
        var root = new RootCommand(
            "HeyGen Render: turns a job spec into a finished HeyGen video in blob storage. With no configuration it runs on " +
            "embedded defaults (Azurite on loopback, the HeyGen emulator in process, the Durable Task engine on Azurite); each is replaced " +
            "through configuration (Storage__ConnectionString, Secrets__HeyGenApiKey, Secrets__KeyVaultUri).");
        root.Add(CommonOptions.Config);

        var examples = new Dictionary<Command, string[]>
        {
            [root] =
            [
                "heygen-render render samples/avatar-video.json",
                "heygen-render serve --urls http://127.0.0.1:7071",
                "heygen-render emulator --urls http://127.0.0.1:5180",
            ],
        };

        foreach (var (command, commandExamples) in new ICommandDefinition[]
        {
            new ServeCommand(environment),
            new RenderCommand(environment),
            new RendersCommand(environment),
            new WebhooksCommand(environment),
            new CreditsCommand(environment),
            new EmulatorCommand(environment),
        }.SelectMany(d => d.Build()))
        {
            examples[command] = commandExamples;
        }

        foreach (var command in examples.Keys.Where(c => c != root && c.Parents.FirstOrDefault() is null))
        {
            root.Add(command);
        }

        var help = root.Options.OfType<HelpOption>().Single();
        if (help.Action is HelpAction helpAction)
        {
            help.Action = new ExamplesHelpAction(helpAction, examples);
        }

        return root;
    }

    /// <summary>The standard help, then the command's examples.</summary>
    private sealed class ExamplesHelpAction(HelpAction inner, Dictionary<Command, string[]> examples) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var result = inner.Invoke(parseResult);
            if (examples.TryGetValue(parseResult.CommandResult.Command, out var lines) && lines.Length > 0)
            {
                var output = parseResult.InvocationConfiguration.Output;
                output.WriteLine("Examples:");
                foreach (var line in lines)
                {
                    output.WriteLine("  " + line);
                }

                output.WriteLine();
            }

            return result;
        }
    }

    private static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Symbol? current = command; current is Command c && current is not RootCommand; current = c.Parents.FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return names.Count == 0 ? string.Empty : string.Join(' ', names) + " ";
    }
}
