using System.Diagnostics;
using HeyGenRender.LocalAzurite;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>
/// Counting proxies in front of Azurite's blob, queue and table endpoints, and a connection string that routes a
/// process's storage traffic through them: every request of the Durable engine and of the pipeline is seen, with its
/// time, and nothing is added to Azurite's own load (the harness reads the log instead of listing blobs).
/// </summary>
internal sealed class StorageProxies : IAsyncDisposable
{
    private StorageProxies(CountingProxy blob, CountingProxy queue, CountingProxy table)
    {
        Blob = blob;
        Queue = queue;
        Table = table;
    }

    public CountingProxy Blob { get; }

    public CountingProxy Queue { get; }

    public CountingProxy Table { get; }

    /// <summary>Azurite's account, reached through the proxies.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};" +
        $"BlobEndpoint={Blob.Address}{AzuriteServer.AccountName};QueueEndpoint={Queue.Address}{AzuriteServer.AccountName};TableEndpoint={Table.Address}{AzuriteServer.AccountName};";

    public static async Task<StorageProxies> StartAsync(AzuriteEndpoints azurite, Stopwatch clock)
    {
        static Uri Root(Uri endpoint) => new(endpoint.GetLeftPart(UriPartial.Authority) + "/");
        var proxies = new List<CountingProxy>();
        try
        {
            foreach (var endpoint in new[] { azurite.Blob, azurite.Queue, azurite.Table })
            {
                var proxy = await CountingProxy.StartAsync(Root(endpoint), clock);
                proxy.RecordResponseHead = false;
                proxies.Add(proxy);
            }
        }
        catch
        {
            foreach (var proxy in proxies)
            {
                await proxy.DisposeAsync();
            }

            throw;
        }

        return new StorageProxies(proxies[0], proxies[1], proxies[2]);
    }

    public void Clear()
    {
        Blob.Clear();
        Queue.Clear();
        Table.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await Blob.DisposeAsync();
        await Queue.DisposeAsync();
        await Table.DisposeAsync();
    }
}
