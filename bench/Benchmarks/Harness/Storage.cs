using System.Security.Cryptography;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using HeyGen.Emulator.Media;
using HeyGenRender.Pipeline.Transfers;

namespace HeyGenRender.Benchmarks.Harness;

/// <summary>Blob helpers for the benchmarks: SAS URLs for the curl baselines and deterministic source blobs.</summary>
internal static class Storage
{
    /// <summary>The metadata key the CLI and the pipeline store a blob's SHA-256 under (<c>HttpToBlobTransfer.Sha256Metadata</c>).</summary>
    public const string Sha256Metadata = HttpToBlobTransfer.Sha256Metadata;

    /// <summary>A read/write SAS URL for one blob, as the curl baselines use it (Azurite accepts service SAS).</summary>
    public static Uri SasUri(string connectionString, string container, string blob) =>
        new BlobClient(connectionString, container, blob).GenerateSasUri(
            BlobSasPermissions.Read | BlobSasPermissions.Write | BlobSasPermissions.Create,
            TimeProvider.System.GetUtcNow().AddHours(6));

    /// <summary>
    /// Writes <paramref name="length"/> deterministic bytes that start like an MP4 (an <c>ftyp</c> box), so HeyGen's
    /// magic-number check accepts the upload as video/mp4. Streams; nothing is held whole. With
    /// <paramref name="withSha256"/> the blob carries its SHA-256 as the CLI writes it (metadata <c>sha256</c>, lowercase
    /// hex, hashed from the same bytes before the upload), so the upload activity declares it at initialize. Another
    /// <paramref name="seed"/> gives other content.
    /// </summary>
    public static async Task CreateSourceBlobAsync(string connectionString, string container, string blob, long length, bool withSha256 = false, ulong seed = 7, CancellationToken cancellationToken = default)
    {
        var containerClient = new BlobContainerClient(connectionString, container);
        await containerClient.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var client = containerClient.GetBlobClient(blob);
        if (await client.ExistsAsync(cancellationToken)
            && (await client.GetPropertiesAsync(cancellationToken: cancellationToken)).Value is var existing
            && existing.ContentLength == length
            && existing.Metadata.ContainsKey(Sha256Metadata) == withSha256)
        {
            return;
        }

        var metadata = new Dictionary<string, string>();
        if (withSha256)
        {
            await using var hashed = OpenSource(length, seed);
            metadata[Sha256Metadata] = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashed, cancellationToken));
        }

        await using var content = OpenSource(length, seed);
        // video/mp4, as a job's asset blob would be: the upload activity declares the blob's content type to HeyGen.
        await client.UploadAsync(content, new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "video/mp4" }, Metadata = metadata }, cancellationToken);
    }

    /// <summary>The same bytes <see cref="CreateSourceBlobAsync"/> writes.</summary>
    public static Stream OpenSource(long length, ulong seed = 7) => new SyntheticVideoStream(FtypBox, length, seed);

    private static byte[] FtypBox { get; } =
    [
        0, 0, 0, 0x18, (byte)'f', (byte)'t', (byte)'y', (byte)'p', (byte)'i', (byte)'s', (byte)'o', (byte)'m',
        0, 0, 2, 0, (byte)'i', (byte)'s', (byte)'o', (byte)'m', (byte)'m', (byte)'p', (byte)'4', (byte)'1',
    ];
}
