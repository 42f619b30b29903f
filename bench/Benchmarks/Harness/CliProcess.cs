namespace HeyGenRender.Benchmarks.Harness;

/// <summary>The <c>heygen-render</c> executable built beside the harness (run it with <see cref="Child.RunProcessAsync"/>).</summary>
internal static class CliProcess
{
    public static string Executable()
    {
        // Built beside this harness (project reference), or in the Cli project's own output folder of the same artifacts path.
        var candidates = new[]
        {
            Path.Combine(AppContext.BaseDirectory, "HeyGenRender.Cli"),
            Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "Cli", "release", "HeyGenRender.Cli")),
        };
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("src/Cli is not built (HeyGenRender.Cli not found beside the benchmarks); serve and render are needed.");
    }
}
