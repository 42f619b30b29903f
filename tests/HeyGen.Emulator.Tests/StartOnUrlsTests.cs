using System.Net;
using System.Net.Sockets;

namespace HeyGen.Emulator.Tests;

public sealed class StartOnUrlsTests
{
    [Fact]
    public async Task StartAsync_GivenUrl_ListensThereAndServesTheApi()
    {
        var port = FreeLoopbackPort();

        await using var emulator = await HeyGenEmulatorHost.StartAsync($"http://127.0.0.1:{port}", new EmulatorOptions { ApiKey = "urls-key" });

        Assert.Equal(new Uri($"http://127.0.0.1:{port}"), emulator.BaseAddress);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/v3/users/me");
        request.Headers.Add("X-Api-Key", "urls-key");
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task StartAsync_PortTaken_ThrowsIOException()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await Assert.ThrowsAnyAsync<IOException>(() => HeyGenEmulatorHost.StartAsync($"http://127.0.0.1:{port}"));
    }

    // The OS hands out a free port for port 0; released at once so the emulator can bind it.
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
