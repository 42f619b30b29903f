using System.Text.Json;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.TestSupport;

namespace HeyGenRender.Pipeline.Tests.Jobs;

public sealed class RenderJobSpecParserTests
{
    private const string ValidAvatar = """
        {"version": 1, "kind": "avatar", "avatar": {"look_id": "look_1", "script": "Hello there."}}
        """;

    public static TheoryData<string> SampleFiles() =>
        [.. Directory.GetFiles(RepoPaths.InRepo("samples"), "*.json").Select(f => Path.GetFileName(f)).Order()];

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Parse_Sample_IsValid(string file)
    {
        var result = RenderJobSpecParser.Parse(File.ReadAllBytes(RepoPaths.InRepo("samples", file)));

        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Errors));
    }

    [Fact]
    public void Parse_AvatarSample_MapsEveryField()
    {
        var spec = RenderJobSpecParser.Parse(File.ReadAllBytes(RepoPaths.InRepo("samples", "avatar-video.json"))).Spec!;

        Assert.Equal(RenderKind.Avatar, spec.Kind);
        var avatar = Assert.IsType<AvatarVideoJob>(spec.Job);
        Assert.Equal("look_emulator_anna_office", avatar.LookId);
        Assert.Null(avatar.VoiceId);
        Assert.Equal("#f5f5f0", avatar.Background!.Color);
        Assert.Equal(("1080p", "16:9", "avatar_iv"), (avatar.Resolution, avatar.AspectRatio, avatar.Engine));
        Assert.Equal(CaptionMode.Sidecar, avatar.Captions);
        Assert.Equal(new VoiceSettingsSpec(1.0, null, null, "en-US"), avatar.VoiceSettings);
        Assert.Equal(new WaitSpec(WaitMode.Auto, TimeSpan.FromMinutes(60)), spec.Wait);
        Assert.Equal(new OutputSpec("renders", null), spec.Output);
    }

    [Fact]
    public void Parse_MinimalSpec_AppliesDefaults()
    {
        var spec = RenderJobSpecParser.Parse(ValidAvatar).Spec!;

        Assert.Equal(OutputSpec.Default, spec.Output);
        Assert.Equal(WaitSpec.Default, spec.Wait);
        Assert.Equal(CaptionMode.None, ((AvatarVideoJob)spec.Job).Captions);
    }

    [Fact]
    public void Parse_BlobAssetWithoutContainer_DefaultsToInbox()
    {
        var spec = RenderJobSpecParser.Parse("""
            {"version": 1, "kind": "lipsync", "lipsync": {"video": {"blob": "a/v.mp4"}, "audio": {"blob": "x.mp3", "container": "media"}}}
            """).Spec!;

        Assert.Equal(
            [("lipsync.video", "render-requests/a/v.mp4"), ("lipsync.audio", "media/x.mp3")],
            spec.Assets().Select(a => (a.Path, a.Asset.ToString())));
    }

    [Fact]
    public void Parse_ManyProblems_ReportsAllOfThemAtOnce()
    {
        var script = new string('a', 5_212);
        var result = RenderJobSpecParser.Parse($$$"""
            {"version": 2, "kind": "avatar", "colour": 1,
             "avatar": {"script": "{{{script}}}", "resolution": "2k", "background": {"color": "red"}},
             "wait": {"mode": "sometimes", "timeout_minutes": 0}}
            """);

        Assert.False(result.IsValid);
        Assert.Equal(
            [
                "colour: unknown field",
                "version: unsupported version 2; this service reads version 1",
                "avatar.look_id: required",
                "avatar.script: 5,212 characters, limit 5,000",
                "avatar.background.color: must be a hex colour like #1a2b3c (got 'red')",
                "avatar.resolution: must be one of 4k, 1080p, 720p (got '2k')",
                "wait.mode: must be one of auto, webhook, poll (got 'sometimes')",
                "wait.timeout_minutes: must be between 1 and 10080 (got 0)",
            ],
            result.Errors.Select(e => e.ToString()));
    }

    public static TheoryData<string, string> MalformedSpecs() => new()
    {
        { "", "$: empty document; expected a JSON object" },
        { "[1, 2]", "$: must be a JSON object (got an array)" },
        { "{\"version\": 1,\n \"kind\": \"avatar\"\n \"avatar\": {}}", "$: malformed JSON at line 3, position 2: '\"' is invalid after a value. Expected either ',', '}', or ']'" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"script\": \"ho\"}}", "avatar.script: appears more than once" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\"},}", "$: malformed JSON at line 1, position 77: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options" },
        { "{\"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\"}}", "version: required" },
        { "{\"version\": \"1\", \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\"}}", "version: must be an integer (got a string)" },
        { "{\"version\": 1.5, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\"}}", "version: must be an integer (got 1.5)" },
        { "{\"version\": 1}", "kind: required" },
        { "{\"version\": 1, \"kind\": \"podcast\"}", "kind: must be one of avatar, image, video_agent, translation, lipsync (got 'podcast')" },
        { "{\"version\": 1, \"kind\": \"avatar\"}", "avatar: required" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": []}", "avatar: must be an object (got an array)" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\"}, \"image\": {}}", "image: not allowed when kind is avatar; only the 'avatar' section is read" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"resolutoin\": \"720p\"}}", "avatar.resolutoin: unknown field (did you mean 'resolution'?)" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\"}}", "avatar.script: required (or give an audio asset)" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"\", \"script\": \"hi\"}}", "avatar.look_id: must not be empty or have leading or trailing spaces" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"  \"}}", "avatar.script: must not be empty" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"audio\": {\"blob\": \"a.mp3\"}}}", "avatar.audio: not allowed with script; give a script or an audio asset, not both" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"engine\": \"avatar_vi\"}}", "avatar.engine: must be one of avatar_iii, avatar_iv, avatar_v (got 'avatar_vi')" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"aspect_ratio\": \"4:3\"}}", "avatar.aspect_ratio: must be one of 16:9, 9:16, 4:5, 5:4, 1:1, auto (got '4:3')" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"captions\": true}}", "avatar.captions: must be a string (got a boolean)" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"voice_settings\": {\"speed\": 2}}}", "avatar.voice_settings.speed: must be between 0.5 and 1.5 (got 2)" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"background\": {}}}", "avatar.background: give exactly one of color or image" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\", \"background\": {\"image\": {\"url\": \"http://x.test/a.png\"}}}}", "avatar.background.image.url: must be an absolute https URL (got 'http://x.test/a.png')" },
        { "{\"version\": 1, \"kind\": \"image\", \"image\": {\"image\": {\"blob\": \"p.jpg\"}, \"script\": \"hi\"}}", "image.voice_id: required with a script (an image has no default voice)" },
        { "{\"version\": 1, \"kind\": \"image\", \"image\": {\"script\": \"hi\", \"voice_id\": \"v\"}}", "image.image: required" },
        { "{\"version\": 1, \"kind\": \"image\", \"image\": {\"image\": \"p.jpg\", \"script\": \"hi\", \"voice_id\": \"v\"}}", "image.image: must be an asset object {\"blob\": \"name\"} or {\"url\": \"https://...\"} (got a string)" },
        { "{\"version\": 1, \"kind\": \"image\", \"image\": {\"image\": {\"blob\": \"p.jpg\", \"url\": \"https://x.test/p.jpg\"}, \"script\": \"hi\", \"voice_id\": \"v\"}}", "image.image: give exactly one of blob or url" },
        { "{\"version\": 1, \"kind\": \"image\", \"image\": {\"image\": {\"blob\": \"../p.jpg\"}, \"script\": \"hi\", \"voice_id\": \"v\"}}", "image.image.blob: must not contain empty, '.' or '..' path segments" },
        { "{\"version\": 1, \"kind\": \"image\", \"image\": {\"image\": {\"blob\": \"p.jpg\", \"container\": \"Bad_Name\"}, \"script\": \"hi\", \"voice_id\": \"v\"}}", "image.image.container: 'Bad_Name' is not a valid container name (3-63 lowercase letters, digits and single hyphens)" },
        { "{\"version\": 1, \"kind\": \"video_agent\", \"video_agent\": {}}", "video_agent.prompt: required" },
        { "{\"version\": 1, \"kind\": \"video_agent\", \"video_agent\": {\"prompt\": \"" + new string('p', 10_001) + "\"}}", "video_agent.prompt: 10,001 characters, limit 10,000" },
        { "{\"version\": 1, \"kind\": \"video_agent\", \"video_agent\": {\"prompt\": \"p\", \"files\": [" + string.Join(",", Enumerable.Repeat("{\"url\": \"https://x.test/a.pdf\"}", 21)) + "]}}", "video_agent.files: 21 files, limit 20" },
        { "{\"version\": 1, \"kind\": \"video_agent\", \"video_agent\": {\"prompt\": \"p\", \"files\": [{\"blob\": \"a.pdf\"}, {\"blob\": \"\"}]}}", "video_agent.files[1].blob: must not be empty or blank" },
        { "{\"version\": 1, \"kind\": \"video_agent\", \"video_agent\": {\"prompt\": \"p\", \"orientation\": \"square\"}}", "video_agent.orientation: must be one of landscape, portrait (got 'square')" },
        { "{\"version\": 1, \"kind\": \"translation\", \"translation\": {\"video\": {\"blob\": \"v.mp4\"}}}", "translation.output_languages: required" },
        { "{\"version\": 1, \"kind\": \"translation\", \"translation\": {\"video\": {\"blob\": \"v.mp4\"}, \"output_languages\": []}}", "translation.output_languages: must list at least one language" },
        { "{\"version\": 1, \"kind\": \"translation\", \"translation\": {\"video\": {\"blob\": \"v.mp4\"}, \"output_languages\": [\"German\", \"german\"]}}", "translation.output_languages[1]: 'german' is listed twice" },
        { "{\"version\": 1, \"kind\": \"translation\", \"translation\": {\"video\": {\"blob\": \"v.mp4\"}, \"output_languages\": [\"German\"], \"mode\": \"fast\"}}", "translation.mode: must be one of speed, precision (got 'fast')" },
        { "{\"version\": 1, \"kind\": \"lipsync\", \"lipsync\": {\"video\": {\"blob\": \"v.mp4\"}}}", "lipsync.audio: required" },
        { "{\"version\": 1, \"kind\": \"lipsync\", \"lipsync\": {\"video\": {\"blob\": \"v.mp4\"}, \"audio\": {\"blob\": \"a.mp3\"}}, \"wait\": {\"mode\": \"webhook\"}}", "wait.mode: 'webhook' is not possible for a lipsync (HeyGen sends no lipsync webhook); use 'poll' or 'auto'" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\"}, \"output\": {\"prefix\": \"/abs\"}}", "output.prefix: must not start or end with '/'" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\"}, \"output\": {\"container\": \"ab\"}}", "output.container: 'ab' is not a valid container name (3-63 lowercase letters, digits and single hyphens)" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"avatar\": {\"look_id\": \"l\", \"script\": \"hi\"}, \"wait\": {\"timeout_minutes\": 20000}}", "wait.timeout_minutes: must be between 1 and 10080 (got 20000)" },
    };

    [Theory]
    [MemberData(nameof(MalformedSpecs))]
    public void Parse_MalformedSpec_NamesFieldAndRule(string json, string expected)
    {
        var result = RenderJobSpecParser.Parse(json);

        Assert.False(result.IsValid);
        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
    }

    public static TheoryData<byte[], string> InvalidText() => new()
    {
        { [0xFF, 0xFE, (byte)'{', (byte)'}'], "$: not valid UTF-8: byte 0xFF at byte offset 0 starts no valid character" },
        { [.. "{\"version\": 1, \"title\": \""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()], "$: not valid UTF-8: byte 0xC3 at byte offset 25 starts no valid character" },
        { [.. "{\"version\": 1, \"kind\": \"avatar\", \"title\": \""u8.ToArray(), 0xE2, 0x82], "$: not valid UTF-8: byte 0xE2 at byte offset 43 starts no valid character" },
        { "{\"version\": 1, \"kind\": \"avatar\", \"title\": \"\\ud800\", \"avatar\": {\"look_id\": \"l\", \"script\": \"Hi\"}}"u8.ToArray(), "$: invalid text: a \\u escape is a lone surrogate (\\uD800-\\uDFFF without its pair)" },
    };

    [Theory]
    [MemberData(nameof(InvalidText))]
    public void Parse_TextThatIsNotValidUnicode_SaysWhereInsteadOfThrowing(byte[] utf8, string expected)
    {
        var result = RenderJobSpecParser.Parse(utf8);

        Assert.Equal([expected], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Parse_TooLarge_RejectedBeforeParsing()
    {
        var result = RenderJobSpecParser.Parse(new byte[RenderJobSpecParser.MaxSpecBytes + 1]);

        Assert.Equal(["$: 262,145 bytes, limit 262,144"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void ParseValid_InvalidSpec_ThrowsWithEveryError()
    {
        var ex = Assert.Throws<JobSpecException>(() => RenderJobSpecParser.ParseValid("{\"version\": 1}"u8.ToArray()));

        Assert.Equal("kind", Assert.Single(ex.Errors).Field);
    }

    [Fact]
    public void RenderRequest_RoundTripsThroughJson_WithSnakeCaseEnums()
    {
        var request = new RenderRequest
        {
            RenderId = "r-1",
            Kind = RenderKind.VideoAgent,
            JobBlob = new BlobLocation("renders", "r-1/job.json"),
            Output = new OutputLocation("renders", "r-1"),
            WaitMode = WaitMode.Poll,
            Timeout = TimeSpan.FromMinutes(30),
        };

        var json = JsonSerializer.Serialize(request);

        Assert.Contains("\"kind\":\"video_agent\"", json, StringComparison.Ordinal);
        Assert.Contains("\"wait_mode\":\"poll\"", json, StringComparison.Ordinal);
        Assert.Equal(request, JsonSerializer.Deserialize<RenderRequest>(json));
        Assert.Equal("renders/r-1/video.mp4", request.Output.File(OutputLocation.VideoFile).ToString());
    }
}
