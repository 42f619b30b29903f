using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace HeyGenRender.Pipeline.Storage;

/// <summary>
/// Creates a container only when a write finds it missing, instead of asking before every write: a render's writes
/// then cost no container request at all once the container exists (it does, after the first render), and a container
/// deleted while the service runs is simply made again by the next write.
/// </summary>
public static class ContainerOnDemand
{
    /// <summary>True for a 404 that says the container is missing (not the blob).</summary>
    /// <param name="error">A failed storage request.</param>
    public static bool IsContainerNotFound(RequestFailedException error) =>
        error is { Status: 404 } && error.ErrorCode == BlobErrorCode.ContainerNotFound;

    /// <summary>Runs <paramref name="write"/>; if the container is missing, creates it and runs the write once more.</summary>
    /// <param name="container">Where the write goes.</param>
    /// <param name="write">The write (it must be safe to repeat: it did not happen the first time).</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    /// <typeparam name="T">What the write returns.</typeparam>
    /// <returns>What the write returned.</returns>
    public static async Task<T> WriteAsync<T>(BlobContainerClient container, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (IsContainerNotFound(ex))
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return await write().ConfigureAwait(false);
        }
    }
}
