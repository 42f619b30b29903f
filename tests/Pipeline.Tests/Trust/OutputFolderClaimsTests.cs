using Azure.Storage.Blobs;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Trust;

/// <summary>Custom output folders on Azurite: one render each, never inside or around another's.</summary>
public sealed class OutputFolderClaimsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string RenderA = "r-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string RenderB = "r-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

    private readonly BlobServiceClient _blobs = azurite.CreateServiceClient();
    private readonly StorageOptions _storage = new()
    {
        RendersContainer = AzuriteFixture.UniqueContainerName("out"),
        WebhookEventsContainer = AzuriteFixture.UniqueContainerName("events"),
    };

    private OutputFolderClaims Claims => new(_blobs, Options.Create(_storage));

    private OutputLocation At(string prefix) => new(_storage.RendersContainer, prefix);

    [Fact]
    public async Task ClaimAsync_SamePrefixTwice_SecondRenderIsRefusedNamingTheFirst_AndTheFirstMayClaimAgain()
    {
        Assert.Null(await Claims.ClaimAsync(At("campaigns/intro"), RenderA));

        var refused = await Claims.ClaimAsync(At("campaigns/intro"), RenderB);

        Assert.Equal("output.prefix", refused!.Field);
        Assert.Contains(RenderA, refused.Message, StringComparison.Ordinal);
        Assert.Null(await Claims.ClaimAsync(At("campaigns/intro"), RenderA)); // a repeat of the same render (Idempotency-Key)
    }

    [Theory]
    [InlineData("campaigns", "campaigns/intro", "inside")] // B inside A's folder
    [InlineData("campaigns/intro", "campaigns", "holds")] // B around A's folder
    public async Task ClaimAsync_OverlappingFolders_AreRefused(string first, string second, string says)
    {
        Assert.Null(await Claims.ClaimAsync(At(first), RenderA));

        var refused = await Claims.ClaimAsync(At(second), RenderB);

        Assert.NotNull(refused);
        Assert.Contains(says, refused.Message, StringComparison.Ordinal);
        Assert.Null(await Claims.ClaimAsync(At("campaigns-2/intro"), RenderB)); // a sibling is fine
    }

    [Fact]
    public async Task ClaimAsync_FolderThatAlreadyHoldsBlobs_IsRefusedAndLeavesNoClaim()
    {
        var container = _blobs.GetBlobContainerClient(_storage.RendersContainer);
        await container.CreateIfNotExistsAsync();
        await container.GetBlobClient("legacy/video.mp4").UploadAsync(BinaryData.FromString("older render"));

        var refused = await Claims.ClaimAsync(At("legacy"), RenderA);

        Assert.Contains("already holds blobs ('legacy/video.mp4')", refused!.Message, StringComparison.Ordinal);
        await container.GetBlobClient("legacy/video.mp4").DeleteAsync();
        Assert.Null(await Claims.ClaimAsync(At("legacy"), RenderB)); // the refused claim was taken back
    }

    [Fact]
    public async Task ClaimAsync_DefaultFolder_IsTheRendersOwnWithoutAMarker()
    {
        Assert.Null(await Claims.ClaimAsync(At(RenderA), RenderA));
        Assert.False(await _blobs.GetBlobContainerClient(_storage.WebhookEventsContainer).ExistsAsync());
    }

    [Fact]
    public async Task ClaimAsync_TwentyRendersRaceForNestedFolders_NoTwoOverlappingFoldersAreBothGranted()
    {
        // Each render asks for one of a chain of nested folders, all at once.
        var prefixes = Enumerable.Range(0, 20).Select(i => string.Join('/', Enumerable.Repeat("n", (i % 4) + 1))).ToArray();
        var renders = Enumerable.Range(0, 20).Select(i => $"r-{i:x32}").ToArray();

        var results = await Task.WhenAll(renders.Select((id, i) => Claims.ClaimAsync(At(prefixes[i]), id)));

        // Every folder of the chain overlaps every other: at most one render may hold any of them (all may be refused,
        // and a retry then settles it).
        var granted = renders.Where((_, i) => results[i] is null).ToList();
        Assert.True(granted.Count <= 1, $"granted to {string.Join(", ", granted)}");
        Assert.All(results.Where(r => r is not null), r => Assert.Equal("output.prefix", r!.Field));
    }
}
