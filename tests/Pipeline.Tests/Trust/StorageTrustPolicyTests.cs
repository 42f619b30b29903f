using HeyGenRender.Pipeline.DependencyInjection;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Trust;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Tests.Trust;

public sealed class StorageTrustPolicyTests
{
    [Theory]
    [InlineData("AssetContainers", "renders", "holds renders or the pipeline's own state")]
    [InlineData("AssetContainers", "webhook-events", "holds renders or the pipeline's own state")]
    [InlineData("AssetContainers", "heygenrender-leases", "holds renders or the pipeline's own state")]
    [InlineData("OutputContainers", "render-requests", "intake or the engine reads")]
    [InlineData("OutputContainers", "render-requests-failed", "intake or the engine reads")]
    [InlineData("OutputContainers", "azure-webjobs-hosts", "intake or the engine reads")]
    [InlineData("AssetContainers", "Not_A_Container", "not a valid container name")]
    public async Task HostStart_OperatorListNamingAPipelineContainer_RefusesToStartNamingIt(string setting, string container, string says)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "UseDevelopmentStorage=true",
            [$"Storage:{setting}:0"] = container,
        });
        builder.Services.AddRenderIntake(builder.Configuration);
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(container, ex.Message, StringComparison.Ordinal);
        Assert.Contains(says, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SameContainerForAssetsAndOutputs_IsRefused()
    {
        var storage = new StorageOptions();
        storage.AssetContainers.Add("media");
        storage.OutputContainers.Add("media");

        Assert.Contains(StorageTrustPolicy.Validate(storage), p => p.Contains("in both", StringComparison.Ordinal));
    }

    [Fact]
    public void Check_OperatorLists_AreWhatAJobMayUse()
    {
        var storage = new StorageOptions();
        storage.AssetContainers.Add("brand-assets");
        storage.OutputContainers.Add("campaign-videos");
        var policy = new StorageTrustPolicy(Options.Create(storage));
        var spec = RenderJobSpecParser.ParseValid("""
            {"version": 1, "kind": "lipsync", "lipsync": {"video": {"blob": "v.mp4", "container": "brand-assets"}, "audio": {"blob": "a.mp3"}},
             "output": {"container": "campaign-videos", "prefix": "spring/intro"}}
            """u8.ToArray(), storage.SpecDefaults);

        var errors = policy.Check(spec, "r-00000000000000000000000000000001");

        // The inbox is no longer an asset container once the operator lists others.
        var only = Assert.Single(errors);
        Assert.Equal("lipsync.audio.container", only.Field);
        Assert.Contains("'brand-assets'", only.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://cdn.example.com/a.png", null)]
    [InlineData("https://8.8.8.8/a.png", null)]
    [InlineData("https://[2001:4860::8888]/a.png", null)]
    [InlineData("https://172.32.0.1/a.png", null)]
    [InlineData("https://172.16.0.1/a.png", "private")]
    [InlineData("https://100.64.1.1/a.png", "private")]
    [InlineData("https://0.0.0.0/a.png", "private")]
    [InlineData("https://[fe80::1]/a.png", "private")]
    [InlineData("https://[fd00::1]/a.png", "private")]
    [InlineData("https://224.0.0.1/a.png", "private")]
    [InlineData("https://app.localhost/a.png", "not a public name")]
    [InlineData("https://a:b@cdn.example.com/a.png", "user name or password")]
    public void UrlProblem_NamesWhatHeyGenCouldNotOrMustNotFetch(string url, string? says)
    {
        var problem = StorageTrustPolicy.UrlProblem(new Uri(url));

        if (says is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(says, problem, StringComparison.Ordinal);
        }
    }
}
