using System.CommandLine;

namespace HeyGenRender.Cli.Commands;

/// <summary>One area of the command line: its commands (a top-level one and its subcommands), each with help examples.</summary>
internal interface ICommandDefinition
{
    /// <summary>The commands, top-level first, each with the example lines its <c>--help</c> shows.</summary>
    IEnumerable<(Command Command, string[] Examples)> Build();
}
