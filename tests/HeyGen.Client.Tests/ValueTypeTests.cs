using System.Text.Json;
using HeyGen.Client.Serialization;

namespace HeyGen.Client.Tests;

public sealed class ValueTypeTests
{
    [Fact]
    public void VideoDetail_UnknownStatus_DeserializesWithoutThrowingAndIsNotTerminal()
    {
        var video = JsonSerializer.Deserialize("""{"id":"v","status":"rendering_on_mars"}""", HeyGenJsonContext.Default.VideoDetail)!;

        Assert.Equal("rendering_on_mars", video.Status.Value);
        Assert.False(video.Status.IsTerminal);
        Assert.NotEqual(VideoStatus.Completed, video.Status);
    }

    [Fact]
    public void JobStatus_Running_IsKnownAndNotTerminal()
    {
        var lipsync = JsonSerializer.Deserialize("""{"id":"l","status":"running"}""", HeyGenJsonContext.Default.Lipsync)!;

        Assert.Equal(JobStatus.Running, lipsync.Status);
        Assert.False(lipsync.Status.IsTerminal);
        Assert.True(JobStatus.Failed.IsTerminal);
    }

    [Fact]
    public void CreateVideoRequest_AvatarSubtype_WritesTheTypeDiscriminatorAndOmitsNulls()
    {
        CreateVideoRequest request = new AvatarVideoRequest { AvatarId = "a1", Script = "Hi", Engine = new VideoEngine { Type = "avatar_v" } };

        var json = JsonSerializer.Serialize(request, HeyGenJsonContext.Default.CreateVideoRequest);

        Assert.Equal("""{"type":"avatar","avatar_id":"a1","engine":{"type":"avatar_v"},"script":"Hi"}""", Normalize(json));
    }

    [Fact]
    public void AssetInput_Factories_WriteTheDocumentedShapes()
    {
        var request = new CreateLipsyncRequest { Video = AssetInput.FromUrl(new Uri("https://x.example/v.mp4")), Audio = AssetInput.FromAssetId("asset_1") };

        var json = JsonSerializer.Serialize(request, HeyGenJsonContext.Default.CreateLipsyncRequest);

        Assert.Equal("""{"video":{"type":"url","url":"https://x.example/v.mp4"},"audio":{"type":"asset_id","asset_id":"asset_1"}}""", json);
    }

    [Fact]
    public void WebhookEndpoint_UnknownEventType_IsKept()
    {
        var endpoint = JsonSerializer.Deserialize("""{"endpoint_id":"ep","events":["avatar_video.success","brand_new.event"]}""", HeyGenJsonContext.Default.WebhookEndpoint)!;

        Assert.Equal([WebhookEventType.AvatarVideoSuccess, new WebhookEventType("brand_new.event")], endpoint.Events);
    }

    // Property order of the base record comes first; compare as parsed objects instead of raw order.
    private static string Normalize(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var ordered = doc.RootElement.EnumerateObject().OrderBy(p => p.Name == "type" ? string.Empty : p.Name, StringComparer.Ordinal);
        return "{" + string.Join(",", ordered.Select(p => $"\"{p.Name}\":{p.Value.GetRawText()}")) + "}";
    }
}
