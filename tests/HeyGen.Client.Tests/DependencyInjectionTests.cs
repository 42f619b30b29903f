using HeyGen.Client.Tests.Support;
using HeyGenRender.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace HeyGen.Client.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddHeyGenClient_ResolvesAWorkingClientWithTheConfiguredEndpointAndKey()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Handler = (ctx, _) => LoopbackServer.Json(ctx, 200, """{"data":{"username":"di-user"}}""");
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new ManualTimeProvider());

        var builder = services.AddHeyGenClient((sp, o) =>
        {
            o.Endpoint = server.BaseAddress;
            o.ApiKey = "di-key";
            o.TimeProvider = sp.GetRequiredService<TimeProvider>();
        });
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(HeyGenServiceCollectionExtensions.HttpClientName, builder.Name);
        var user = await provider.GetRequiredService<HeyGenClient>().Users.GetCurrentAsync();
        Assert.Equal("di-user", user.Username);
        Assert.Equal("di-key", Assert.Single(server.Requests).Header("X-Api-Key"));
    }

    [Fact]
    public void AddHeyGenClient_HttpClientHasNoTimeoutThatCouldCutAnUpload()
    {
        var services = new ServiceCollection();
        services.AddHeyGenClient(o => o.ApiKey = "k");
        using var provider = services.BuildServiceProvider();

        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(HeyGenServiceCollectionExtensions.HttpClientName);

        Assert.Equal(Timeout.InfiniteTimeSpan, http.Timeout);
    }

    [Fact]
    public void AddHeyGenClient_WithoutAKey_FailsOnResolveNamingTheSetting()
    {
        var services = new ServiceCollection();
        services.AddHeyGenClient(_ => { });
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<HeyGenClient>());
        Assert.Contains("ApiKey", ex.Message, StringComparison.Ordinal);
    }
}
