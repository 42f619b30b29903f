using Azure.Storage.Blobs;
using HeyGenRender.Functions.Orchestrators;
using HeyGenRender.Pipeline.Api;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace HeyGenRender.Functions.Functions;

/// <summary>
/// A job spec dropped into the inbox container starts a render. Event Grid delivers the blob events (the only
/// blob trigger source Flex Consumption supports). A bad job blob is moved to <c>render-requests-failed</c> with its
/// <c>*.error.json</c> report by <see cref="InboxHandler"/>; it is not retried.
/// </summary>
public sealed class InboxBlobFunction
{
    /// <summary>The watched path; the container is the pipeline's default inbox (<c>StorageOptions.RequestsContainer</c>).</summary>
    public const string InboxPath = "render-requests/{name}";

    [Function(nameof(StartRenderFromBlob))]
    public async Task StartRenderFromBlob(
        [BlobTrigger(InboxPath, Source = BlobTriggerSource.EventGrid)] BlobClient blob,
        [DurableClient] DurableTaskClient client,
        FunctionContext context)
    {
        // Bound as a BlobClient so nothing is downloaded here: the handler streams the blob itself, with its ETag.
        if (!InboxHandler.IsJobBlob(blob.Name))
        {
            return;
        }

        var inbox = DurableClientScope.Resolve<InboxHandler>(context.InstanceServices, client);
        await inbox.HandleAsync(blob.Name, context.CancellationToken);
    }
}
