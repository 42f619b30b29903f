using System.Diagnostics;
using System.Text.Json;
using FluentAssertions;
using HeyGenRender.TestSupport;
using Xunit.Abstractions;

namespace HeyGenRender.Cli.Tests;

/// <summary>
/// Every sample in <c>samples/</c>, rendered end to end as a newcomer would with <c>heygen-render render samples/x.json</c>
/// (here against a running <c>serve</c>), with the assets the repository has or generates; each output of result.json
/// is saved locally under the same layout as its blob, a translation's languages in folders of their own.
/// </summary>
public sealed class SampleTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    public static TheoryData<string> Samples
    {
        get
        {
            var samples = new TheoryData<string>();
            foreach (var file in Directory.GetFiles(RepoPaths.InRepo("samples"), "*.json").Order(StringComparer.Ordinal))
            {
                samples.Add(Path.GetFileName(file));
            }

            return samples;
        }
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_RendersWithNoOtherArgument_AndEveryOutputIsSavedWhereItIsPrinted(string sample)
    {
        await EnsureSampleAssetsAsync();
        await using var test = await CliTestHost.StartAsync(azurite);
        var clock = Stopwatch.StartNew();

        var run = await test.RunCliAsync("render", RepoPaths.InRepo("samples", sample), "--server", test.Host.BaseAddress.ToString(), "--out", "out", "--poll-interval", "00:00:00.05");

        output.WriteLine($"{sample}: exit {run.ExitCode} in {clock.Elapsed.TotalSeconds:F1} s\n{run.Output}");
        run.ExitCode.Should().Be(0, run.ToString());
        var id = System.Text.RegularExpressions.Regex.Match(run.Output, "r-[0-9a-f]{32}").Value;
        var folder = Path.Combine(test.Folder, "out", id);
        run.Output.Should().Contain($"files  out/{id}/");
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "result.json")));
        var files = result.RootElement.GetProperty("files").EnumerateArray().ToList();
        files.Should().Contain(f => f.GetProperty("role").GetString() == "video");
        foreach (var file in files)
        {
            var relative = file.GetProperty("blob").GetString()![(id.Length + 1)..];
            var local = Path.Combine(folder, relative);
            File.Exists(local).Should().BeTrue($"{relative} is in result.json");
            new FileInfo(local).Length.Should().Be(file.GetProperty("length").GetInt64());
            run.Output.Should().MatchRegex($@"\n    {System.Text.RegularExpressions.Regex.Escape(relative)} ", "each file is listed under its real relative path");
        }

        if (sample == "video-translation.json")
        {
            files.Select(f => f.GetProperty("blob").GetString()).Should().Contain(b => b!.EndsWith("/spanish/video.mp4", StringComparison.Ordinal))
                .And.Contain(b => b!.EndsWith("/german/video.mp4", StringComparison.Ordinal));
        }
    }

    // The assets the repository does not commit are made once with ffmpeg, as ./run.sh and ./test.sh do.
    private static async Task EnsureSampleAssetsAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("bash", [RepoPaths.InRepo("eng", "generate-sample-assets.sh")]) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        process.ExitCode.Should().Be(0, error);
    }
}
