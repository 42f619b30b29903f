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
    /// <summary>
    /// After a read of a blob in <paramref name="container"/> answered 404: creates the container unless the answer
    /// says only the blob is missing (a HEAD's 404 may carry no error code, and then the container is made to be sure),
    /// so that the writes which follow the read find it.
    /// </summary>
    /// <param name="container">The blob's container.</param>
    /// <param name="notFound">The read's 404.</param>
    /// <param name="cancellationToken">Cancels the creation.</param>
    public static async Task MakeUnlessOnlyTheBlobIsMissingAsync(BlobContainerClient container, RequestFailedException notFound, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(notFound);
        if (notFound.ErrorCode != BlobErrorCode.BlobNotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

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
        catch (RequestFailedException ex) when (ex is { Status: 404 } && ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return await write().ConfigureAwait(false);
        }
    }
}
