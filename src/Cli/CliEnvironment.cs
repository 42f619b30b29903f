using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Spectre.Console;

namespace HeyGenRender.Cli;

/// <summary>
/// What a command run talks to: its output streams, clock, working folder and configuration overrides.
/// Tests pass their own so they can read the output and move time.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Standard output (results, plain progress lines).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error (problems).</summary>
    public required TextWriter Error { get; init; }

    /// <summary>True when <see cref="Out"/> is a terminal that can redraw a live progress display.</summary>
    public bool Interactive { get; init; }

    /// <summary>The clock of every wait the pipeline does.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The folder relative paths are resolved against.</summary>
    public string WorkingDirectory { get; init; } = Directory.GetCurrentDirectory();

    /// <summary>Configuration values applied over the environment's (tests use this instead of environment variables).</summary>
    public IReadOnlyDictionary<string, string?> ConfigurationOverrides { get; init; } = new Dictionary<string, string?>();

    /// <summary>Whether to read configuration from environment variables (off in tests, so the machine's settings do not leak in).</summary>
    public bool ReadEnvironmentVariables { get; init; } = true;

    /// <summary>
    /// The Azure credential for Key Vault and storage; null (real use) means DefaultAzureCredential (managed identity,
    /// az login, …) as the pipeline registers it. Tests pass a fake one.
    /// </summary>
    public TokenCredential? AzureCredential { get; init; }

    /// <summary>Options of the Key Vault client; null (real use) means the SDK's defaults. Tests pass a transport that trusts a local fake vault.</summary>
    public SecretClientOptions? KeyVaultClientOptions { get; init; }

    /// <summary>The real console.</summary>
    public static CliEnvironment FromConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        Interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive,
    };

    /// <summary>A Spectre console over <see cref="Out"/>.</summary>
    public IAnsiConsole CreateConsole() => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Out),
        Interactive = Interactive ? InteractionSupport.Yes : InteractionSupport.No,
        Ansi = Interactive ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = Interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
    });

    /// <summary>Resolves <paramref name="path"/> against <see cref="WorkingDirectory"/>.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
