using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using HeyGen.Emulator.Media;
using Xunit.Abstractions;

namespace HeyGen.Emulator.Tests;

/// <summary>Runs alone: the memory assertions read process-wide allocation counters that parallel tests would disturb.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Serial (process-wide measurements)";
}

/// <summary>Uploads of tens and hundreds of megabytes, generated while sending: nothing holds a whole file in memory.</summary>
[Collection(SerialCollection.Name)]
public sealed class LargeUploadTests(ITestOutputHelper output)
{
    private const long MultipartCap = 32L * 1024 * 1024;
    private static readonly byte[] s_mp4 = Mp4Writer.Create(256, 144, 1, 5);

    [Fact]
    public async Task MultipartUpload_AtCap_Succeeds()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (response, body) = await PostMultipartAsync(emulator, MultipartCap);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(MultipartCap, body!["data"]!["size_bytes"]!.GetValue<long>());
        Assert.Equal("video/mp4", body["data"]!["mime_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task MultipartUpload_OneByteOverCap_Returns400InvalidParameterFile()
    {
        await using var emulator = await TestEmulator.StartAsync();
        var (response, body) = await PostMultipartAsync(emulator, MultipartCap + 1);
        // # Upload Assets: capped at 32 MB; the spec's only documented 4xx for POST /v3/assets is 400 invalid_parameter, param "file".
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_parameter", body!["error"]!["code"]!.GetValue<string>());
        Assert.Equal("file", body["error"]!["param"]!.GetValue<string>());
        Assert.Contains("direct upload", body["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(emulator.Host.State.Assets);
    }

    [Fact]
    public void SyntheticVideoStream_ReadInOddChunksFromAnyOffset_YieldsSameBytes()
    {
        var size = s_mp4.Length + 4096 + 3L;
        using var whole = new SyntheticVideoStream(s_mp4, size, seed: 9);
        var expected = new byte[size];
        whole.ReadExactly(expected);
        Assert.Equal(size, whole.Length);
        foreach (var (start, chunk) in new[] { (0L, 1), (s_mp4.Length - 3L, 7), (s_mp4.Length + 5L, 13), (size - 17, 64) })
        {
            using var part = new SyntheticVideoStream(s_mp4, size, seed: 9) { Position = start };
            var actual = new byte[size - start];
            var buffer = new byte[chunk];
            for (var done = 0; done < actual.Length;)
            {
                var read = part.Read(buffer);
                buffer.AsSpan(0, read).CopyTo(actual.AsSpan(done));
                done += read;
            }

            Assert.Equal(expected.AsSpan((int)start).ToArray(), actual);
            Assert.Equal(0, part.Read(buffer));
        }
    }

    [Fact]
    public async Task DirectUpload_128MiB_LandsOnDiskWithoutGrowingManagedMemory()
    {
        const long size = 128L * 1024 * 1024;
        var storage = Directory.CreateTempSubdirectory("emulator-large-");
        try
        {
            await using var emulator = await TestEmulator.StartAsync(o => o.StorageDirectory = storage.FullName);
            var init = (await emulator.SendAsync(HttpMethod.Post, "/v3/assets/direct-uploads", new JsonObject
            {
                ["filename"] = "large.mp4", ["content_type"] = "video/mp4", ["size_bytes"] = size,
            })).Body!["data"]!;
            var assetId = init["asset_id"]!.GetValue<string>();

            using var plain = new HttpClient();
            using var content = new StreamContent(new SyntheticVideoStream(s_mp4, size, seed: 42), 64 * 1024);
            content.Headers.ContentLength = size;
            foreach (var header in init["upload_headers"]!.AsObject())
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value!.GetValue<string>());
            }

            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var workingSetBefore = Environment.WorkingSet;
            var clock = Stopwatch.StartNew();
            using (var put = await plain.PutAsync(init["upload_url"]!.GetValue<string>(), content))
            {
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }

            var elapsed = clock.Elapsed;
            var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            var workingSetGrowth = Environment.WorkingSet - workingSetBefore;
            output.WriteLine($"PUT {size >> 20} MiB: {elapsed.TotalMilliseconds:F0} ms, managed allocations {allocated / 1024.0:F0} KiB (client + emulator), working set {workingSetGrowth / 1048576.0:+0.0;-0.0} MiB");
            // Everything in this process (generator, HttpClient, Kestrel, the emulator) allocates per buffer, not per byte.
            Assert.True(allocated < 16L * 1024 * 1024, $"{allocated} bytes allocated while uploading {size}");

            var (completeResponse, complete) = await emulator.SendAsync(HttpMethod.Post, $"/v3/assets/{assetId}/complete", "{}");
            Assert.Equal(HttpStatusCode.OK, completeResponse.StatusCode);
            Assert.Equal(size, complete!["data"]!["size_bytes"]!.GetValue<long>());
            Assert.Equal("video/mp4", complete["data"]!["mime_type"]!.GetValue<string>());

            var stored = new FileInfo(Assert.Single(Directory.GetFiles(storage.FullName)));
            Assert.Equal(size, stored.Length);
            await using var file = stored.OpenRead();
            await using var regenerated = new SyntheticVideoStream(s_mp4, size, seed: 42);
            Assert.Equal(Convert.ToHexStringLower(await SHA256.HashDataAsync(regenerated)), Convert.ToHexStringLower(await SHA256.HashDataAsync(file)));
        }
        finally
        {
            storage.Delete(recursive: true);
        }
    }

    private static async Task<(HttpResponseMessage Response, JsonNode? Body)> PostMultipartAsync(TestEmulator emulator, long fileSize)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(new SyntheticVideoStream(s_mp4, fileSize, seed: 7), 64 * 1024);
        file.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        form.Add(file, "file", "big.mp4");
        return await emulator.SendAsync(HttpMethod.Post, "/v3/assets", configure: r => r.Content = form);
    }
}
