using System.Text.Json;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.TestSupport;

namespace HeyGenRender.Pipeline.Tests.Jobs;

/// <summary>The schema file editors use and the parser must agree, field for field and value for value.</summary>
public sealed class JobSpecSchemaTests
{
    private static readonly JsonElement s_schema = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo("schemas", "job-spec.v1.schema.json"))).RootElement;

    public static TheoryData<string, string[]> Objects() => new()
    {
        { "#", RenderJobSpecParser.RootFields },
        { "#/$defs/avatar", RenderJobSpecParser.AvatarFields },
        { "#/$defs/image", RenderJobSpecParser.ImageFields },
        { "#/$defs/video_agent", RenderJobSpecParser.VideoAgentFields },
        { "#/$defs/translation", RenderJobSpecParser.TranslationFields },
        { "#/$defs/lipsync", RenderJobSpecParser.LipsyncFields },
        { "#/$defs/asset", RenderJobSpecParser.AssetFields },
        { "#/$defs/background", RenderJobSpecParser.BackgroundFields },
        { "#/$defs/voice_settings", RenderJobSpecParser.VoiceSettingsFields },
        { "#/properties/output", RenderJobSpecParser.OutputFields },
        { "#/properties/wait", RenderJobSpecParser.WaitFields },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public void Schema_Object_ListsExactlyTheParsersFieldsAndRejectsOthers(string pointer, string[] fields)
    {
        var node = Resolve(pointer);

        Assert.False(node.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(fields.Order(), node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order());
    }

    public static TheoryData<string, string[]> Enums() => new()
    {
        { "#/properties/kind", RenderJobSpecParser.Kinds },
        { "#/$defs/avatar/properties/resolution", RenderJobSpecParser.Resolutions },
        { "#/$defs/avatar/properties/aspect_ratio", RenderJobSpecParser.AspectRatios },
        { "#/$defs/avatar/properties/engine", RenderJobSpecParser.Engines },
        { "#/$defs/avatar/properties/captions", RenderJobSpecParser.CaptionModes },
        { "#/$defs/video_agent/properties/orientation", RenderJobSpecParser.Orientations },
        { "#/$defs/translation/properties/mode", RenderJobSpecParser.Modes },
        { "#/properties/wait/properties/mode", RenderJobSpecParser.WaitModes },
    };

    [Theory]
    [MemberData(nameof(Enums))]
    public void Schema_Enum_MatchesParser(string pointer, string[] values)
    {
        Assert.Equal(values, Resolve(pointer).GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public void Schema_Limits_MatchParser()
    {
        Assert.Equal(RenderJobSpecParser.MaxScriptCharacters, Resolve("#/$defs/avatar/properties/script").GetProperty("maxLength").GetInt32());
        Assert.Equal(RenderJobSpecParser.MaxPromptCharacters, Resolve("#/$defs/video_agent/properties/prompt").GetProperty("maxLength").GetInt32());
        Assert.Equal(RenderJobSpecParser.MaxAgentFiles, Resolve("#/$defs/video_agent/properties/files").GetProperty("maxItems").GetInt32());
        Assert.Equal(RenderJobSpecParser.MaxTimeoutMinutes, Resolve("#/properties/wait/properties/timeout_minutes").GetProperty("maximum").GetInt32());
    }

    [Fact]
    public void Samples_ReferenceTheSchemaFile()
    {
        foreach (var file in Directory.GetFiles(RepoPaths.InRepo("samples"), "*.json"))
        {
            var reference = JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("$schema").GetString()!;
            Assert.True(File.Exists(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(file)!, reference))), $"{file}: $schema {reference} does not exist");
        }
    }

    private static JsonElement Resolve(string pointer)
    {
        var node = s_schema;
        foreach (var part in pointer.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node.GetProperty(part);
        }

        return node;
    }
}
