using System.Text.Json;
using HeyGen.Client.Serialization;

namespace HeyGen.Client.Tests;

public sealed class VoiceSettingsTests
{
    [Fact]
    public void CreateVideoRequest_WithVoiceSettings_WritesTheDocumentedSnakeCaseFields()
    {
        CreateVideoRequest request = new ImageVideoRequest
        {
            Image = AssetInput.FromAssetId("asset_1"),
            Script = "Hi",
            VoiceId = "v1",
            VoiceSettings = new VoiceSettings { Speed = 1.25, Pitch = -3, Volume = 0.8, Locale = "en-GB" },
        };

        var json = JsonSerializer.Serialize(request, HeyGenJsonContext.Default.CreateVideoRequest);

        using var doc = JsonDocument.Parse(json);
        var settings = doc.RootElement.GetProperty("voice_settings");
        Assert.Equal("""{"speed":1.25,"pitch":-3,"volume":0.8,"locale":"en-GB"}""", settings.GetRawText());
        Assert.Equal("image", doc.RootElement.GetProperty("type").GetString());
    }

    [Fact]
    public void CreateVideoRequest_PartialVoiceSettings_OmitsTheUnsetFields()
    {
        CreateVideoRequest request = new AvatarVideoRequest { AvatarId = "a1", Script = "Hi", VoiceSettings = new VoiceSettings { Speed = 0.9 } };

        var json = JsonSerializer.Serialize(request, HeyGenJsonContext.Default.CreateVideoRequest);

        Assert.Contains("\"voice_settings\":{\"speed\":0.9}", json, StringComparison.Ordinal);
    }
}
