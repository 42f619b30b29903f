using System.Diagnostics;
using System.Text.RegularExpressions;
using FluentAssertions;
using HeyGenRender.TestSupport;

namespace HeyGenRender.Cli.Tests;

/// <summary><c>render</c> against a running <c>serve</c>: real HTTP, Azurite, the emulator's signed webhooks.</summary>
public sealed partial class RenderCommandTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    internal const string AvatarJob = """
        {
          "version": 1,
          "kind": "avatar",
          "title": "CLI test",
          "avatar": { "look_id": "look_emulator_anna_office", "script": "Hello from the command line test.", "captions": "sidecar" },
          "wait": { "mode": "auto", "timeout_minutes": 10 }
        }
        """;

    [Fact]
    public async Task Render_AgainstServe_SavesPlayableVideoAndResultAndExitsZero()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var job = test.WriteJob("avatar.json", AvatarJob);

        var run = await test.RunCliAsync("render", job, "--server", test.Host.BaseAddress.ToString(), "--out", "out", "--poll-interval", "00:00:00.05");

        run.ExitCode.Should().Be(0, run.ToString());
        var id = RenderId().Match(run.Output).Value;
        run.Output.Should().Contain($"blobs  {test.Renders}/{id}/").And.Contain($"files  out/{id}/").And.Contain("    video.mp4").And.Contain("    result.json");
        var video = Path.Combine(test.Folder, "out", id, "video.mp4");
        File.Exists(Path.Combine(test.Folder, "out", id, "result.json")).Should().BeTrue();
        (await test.Blobs.GetBlobContainerClient(test.Renders).GetBlobClient($"{id}/video.mp4").ExistsAsync()).Value.Should().BeTrue();
        test.Emulator.State.Deliveries.Should().Contain(d => d.Signed && d.Succeeded, "the emulator's signed webhook reached the pipeline");
        AssertPlayable(video);
    }

    [Fact]
    public async Task Render_SameJobTwice_SecondRunFindsSameRenderAndRedoesNothing()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var job = test.WriteJob("again.json", AvatarJob);
        string[] args = ["render", job, "--server", test.Host.BaseAddress.ToString(), "--poll-interval", "00:00:00.05"];

        var first = await test.RunCliAsync(args);
        var second = await test.RunCliAsync(args);

        first.ExitCode.Should().Be(0, first.ToString());
        second.ExitCode.Should().Be(0, second.ToString());
        RenderId().Match(second.Output).Value.Should().Be(RenderId().Match(first.Output).Value);
        second.Output.Should().Contain("already rendered");
        test.Emulator.State.Jobs.Should().HaveCount(1, "the second run created no HeyGen job");
    }

    [Fact]
    public async Task Render_InvalidJob_ExitsTwoListingEveryProblem()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var job = test.WriteJob("bad.json", """{ "version": 1, "kind": "avatar", "avatar": { "script": "" }, "wait": { "mode": "sometimes" } }""");

        var run = await test.RunCliAsync("render", job, "--server", test.Host.BaseAddress.ToString());

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("avatar.look_id").And.Contain("wait.mode");
        test.Emulator.State.Jobs.Should().BeEmpty();
    }

    [Fact]
    public async Task Render_MissingAssetFileAndBlob_ExitsTwoNamingTheField()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var job = test.WriteJob("image.json", """
            { "version": 1, "kind": "image",
              "image": { "image": { "blob": "nowhere/face.png" }, "voice_id": "voice_emulator_en_female", "script": "Hi." } }
            """);

        var run = await test.RunCliAsync("render", job, "--server", test.Host.BaseAddress.ToString());

        run.ExitCode.Should().Be(2, run.ToString());
        run.Error.Should().Contain("image.image.blob").And.Contain("nowhere/face.png");
    }

    [Fact]
    public async Task Render_ImageWithLocalAsset_UploadsItBesideTheJobAndRenders()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var job = test.WriteJob("photo.json", """
            { "version": 1, "kind": "image",
              "image": { "image": { "blob": "photo-test/portrait.jpg", "container": "REQUESTS" }, "voice_id": "voice_emulator_en_female", "script": "Hi from a photo." } }
            """.Replace("REQUESTS", test.Requests, StringComparison.Ordinal));

        var run = await test.RunCliAsync("render", job, RepoPaths.InRepo("samples", "assets", "portrait.jpg"), "--server", test.Host.BaseAddress.ToString(), "--poll-interval", "00:00:00.05");

        run.ExitCode.Should().Be(0, run.ToString());
        (await test.Blobs.GetBlobContainerClient(test.Requests).GetBlobClient("photo-test/portrait.jpg").ExistsAsync()).Value.Should().BeTrue();
        test.Emulator.State.Assets.Should().ContainSingle();
    }

    [Fact]
    public async Task Render_HeyGenFailsTheJob_ExitsOneShowingHeyGensMessage()
    {
        await using var test = await CliTestHost.StartAsync(azurite);
        var job = test.WriteJob("fail.json", AvatarJob.Replace("Hello from the command line test.", "[[emulator:fail:internal_error]] Hello.", StringComparison.Ordinal));

        var run = await test.RunCliAsync("render", job, "--server", test.Host.BaseAddress.ToString(), "--poll-interval", "00:00:00.05");

        run.ExitCode.Should().Be(1, run.ToString());
        run.Error.Should().Contain("internal_error").And.Contain("error.json");
    }

    [Fact]
    public async Task Render_NotDoneWithinTimeout_ExitsFour()
    {
        await using var test = await CliTestHost.StartAsync(azurite, renderDuration: TimeSpan.FromHours(1));
        var job = test.WriteJob("slow.json", AvatarJob);

        var run = await test.RunCliAsync("render", job, "--server", test.Host.BaseAddress.ToString(), "--timeout", "00:00:01", "--poll-interval", "00:00:00.05");

        run.ExitCode.Should().Be(4, run.ToString());
        run.Error.Should().Contain("--timeout");
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("serve", "--help")]
    [InlineData("render", "--help")]
    [InlineData("renders", "list", "--help")]
    [InlineData("webhooks", "register", "--help")]
    [InlineData("webhooks", "rotate", "--help")]
    [InlineData("credits", "--help")]
    [InlineData("emulator", "--help")]
    public async Task Help_EveryCommand_ShowsUsageAndExamples(params string[] args)
    {
        await using var test = await CliTestHost.StartAsync(azurite);

        var run = await test.RunCliAsync(args);

        run.ExitCode.Should().Be(0);
        run.Output.Should().Contain("Usage:").And.Contain("Examples:").And.Contain("heygen-render");
    }

    [Fact]
    public async Task Parse_UnknownOption_ExitsTwo()
    {
        await using var test = await CliTestHost.StartAsync(azurite);

        var run = await test.RunCliAsync("serve", "--no-such-option");

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("--no-such-option");
    }

    internal static void AssertPlayable(string video)
    {
        if (!File.Exists("/usr/bin/ffprobe") && !File.Exists("/usr/local/bin/ffprobe"))
        {
            return; // eng/install-prerequisites.sh installs it; without it only the file's presence is checked.
        }

        using var probe = Process.Start(new ProcessStartInfo("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", video]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = probe.StandardOutput.ReadToEnd();
        var errors = probe.StandardError.ReadToEnd();
        probe.WaitForExit();
        probe.ExitCode.Should().Be(0, errors);
        output.Should().Contain("h264");
    }

    [GeneratedRegex("r-[0-9a-f]{32}")]
    private static partial Regex RenderId();
}
