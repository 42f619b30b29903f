using System.Diagnostics;
using System.Text;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>The <c>heygen-render</c> executable built beside the harness, and running a process to its end.</summary>
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

    /// <summary>Runs <paramref name="start"/> (its output redirected) to its end; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}.");
        }

        lock (output)
        {
            return (process.ExitCode, output.ToString());
        }
    }
}
