using System.Diagnostics;
using System.Text.RegularExpressions;
using FluentAssertions;
using HeyGenRender.TestSupport;
using Xunit.Abstractions;

namespace HeyGenRender.Cli.Tests;

/// <summary>
/// The live progress display in a real terminal: the real <c>heygen-render</c> process renders the translation sample
/// (two languages, so several downloads) inside tmux at a fixed size, against a running <c>serve</c>, and the captured
/// screen is checked: bars that fit the width, each drawn once, the summary below them and not inside them, every file
/// listed. The normalised capture is kept in <c>Fixtures/terminal-{width}.txt</c> (regenerate with UPDATE_FIXTURES=1).
/// </summary>
public sealed partial class TerminalTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(200)]
    public async Task RenderInATerminal_ProgressFitsTheWidth_AndTheSummaryFollowsIt(int width)
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var cli = typeof(CliApplication).Assembly.Location;
        var sample = RepoPaths.InRepo("samples", "video-translation.json");
        var environment = string.Join(' ', test.Settings.Select(s => $"{s.Key.Replace(":", "__", StringComparison.Ordinal)}='{s.Value}'"));
        var command = $"cd '{test.Folder}' && env {environment} dotnet '{cli}' render '{sample}' --server {test.Host.BaseAddress} --out out --poll-interval 00:00:00.05; echo \"EXIT:$?\"; sleep 600";

        var screen = await RunInTmuxAsync(command, width);

        output.WriteLine(screen);
        screen.Should().Contain("EXIT:0");
        var lines = screen.Split('\n');
        var bars = lines.Where(l => BarLine().IsMatch(l)).ToList();
        bars.Should().NotBeEmpty();
        bars.Should().OnlyContain(l => l.Length <= width, "a bar line never wraps");
        bars.Select(l => l[..l.IndexOf('━', StringComparison.Ordinal)].TrimEnd()).Should().OnlyHaveUniqueItems("each bar is drawn once");
        var summary = Array.FindIndex(lines, l => CompletedLine().IsMatch(l));
        summary.Should().BeGreaterThan(Array.LastIndexOf(lines, bars[^1]), "the summary comes after the bars, not inside them");
        foreach (var file in new[] { "spanish/video.mp4", "spanish/captions.srt", "german/video.mp4", "german/captions.srt", "result.json" })
        {
            lines.Should().Contain(l => l.Trim().StartsWith(file + " ", StringComparison.Ordinal), $"{file} is listed");
        }

        var normalised = Normalise(screen, test);
        var fixture = RepoPaths.InRepo("tests", "Cli.Tests", "Fixtures", $"terminal-{width}.txt");
        if (Environment.GetEnvironmentVariable("UPDATE_FIXTURES") == "1")
        {
            await File.WriteAllTextAsync(fixture, normalised);
        }

        normalised.Should().Be(await File.ReadAllTextAsync(fixture), "the screen is the one kept as the fixture");
    }

    // Runs command in a detached tmux session of the given size (its own server socket), waits for "EXIT:", returns the screen.
    private static async Task<string> RunInTmuxAsync(string command, int width)
    {
        var socket = "heygen-tests-" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            await TmuxAsync(socket, "new-session", "-d", "-s", "render", "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", "60", "bash", "-c", command);
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var screen = await TmuxAsync(socket, "capture-pane", "-p", "-J", "-t", "render");
                if (screen.Contains("EXIT:", StringComparison.Ordinal))
                {
                    return string.Join('\n', screen.Split('\n').Select(l => l.TrimEnd())).TrimEnd('\n') + "\n";
                }

                clock.Elapsed.Should().BeLessThan(s_timeout, $"the render should end; the screen so far:\n{screen}");
                await Task.Delay(100);
            }
        }
        finally
        {
            await TmuxAsync(socket, "kill-server");
        }
    }

    private static async Task<string> TmuxAsync(string socket, params string[] args)
    {
        var start = new ProcessStartInfo("tmux", ["-L", socket, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return stdout;
    }

    // What differs from run to run: ids, ports, the test's container names and folders, elapsed times.
    private static string Normalise(string screen, CliTestHost test)
    {
        var text = screen.Replace(test.Requests, "<inbox>", StringComparison.Ordinal).Replace(test.Renders, "<renders>", StringComparison.Ordinal);
        text = RenderId().Replace(text, "r-<id>");
        text = Port().Replace(text, "127.0.0.1:<port>");
        text = Elapsed().Replace(text, "hh:mm:ss");
        return ResultSize().Replace(text, "result.json ${pad}<size>"); // it holds timestamps, whose length varies

    }

    // A progress line: description, bar, percentage, elapsed time at the end.
    [GeneratedRegex(@"\d+%\s+\d\d:\d\d:\d\d$")]
    private static partial Regex BarLine();

    [GeneratedRegex(@"^render r-[0-9a-f]{32}: completed$")]
    private static partial Regex CompletedLine();

    [GeneratedRegex("r-[0-9a-f]{32}")]
    private static partial Regex RenderId();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Port();

    [GeneratedRegex(@"\d\d:\d\d:\d\d")]
    private static partial Regex Elapsed();

    [GeneratedRegex(@"result\.json (?<pad>\s*)[\d.]+ (KiB|B)")]
    private static partial Regex ResultSize();
}
