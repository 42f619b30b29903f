using System.CommandLine;

namespace HeyGenRender.Cli.Commands;

/// <summary>Options several commands share.</summary>
internal static class CommonOptions
{
    /// <summary>A JSON configuration file (same keys as the environment variables, e.g. <c>{"HeyGen": {"ApiKey": "…"}}</c>).</summary>
    public static readonly Option<string?> Config = new("--config")
    {
        Description = "A JSON configuration file (keys as in the README's configuration table).",
        Recursive = true,
    };

    /// <summary>Storage connection string; overrides configuration.</summary>
    public static Option<string?> Storage() => new("--storage")
    {
        Description = "Storage connection string (overrides Storage__ConnectionString). Default: start the embedded Azurite.",
    };

    /// <summary>Where the embedded Azurite keeps its data.</summary>
    public static Option<string?> AzuriteData() => new("--azurite-data")
    {
        Description = "Folder for the embedded Azurite's data, kept between runs. Default: a temporary folder deleted at exit.",
    };

    /// <summary>Configuration values set by options common to the commands that start the pipeline.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> PipelineValues(ParseResult parseResult, Option<string?> storage, Option<string?> azuriteData, CliEnvironment environment)
    {
        yield return new(CliConfiguration.StorageConnectionString, parseResult.GetValue(storage));
        var data = parseResult.GetValue(azuriteData);
        yield return new(CliConfiguration.AzuriteDataFolder, data is null ? null : environment.FullPath(data));
    }
}
