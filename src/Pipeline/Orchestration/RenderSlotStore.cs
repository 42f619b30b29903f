using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Pipeline.Storage;
using HeyGenRender.Pipeline.Telemetry;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Orchestration;

/// <summary>
/// Keeps the <see cref="RenderSlots"/> semaphore in one blob (<c>{webhook-events}/slots/heygen.json</c>) and applies
/// each operation as an optimistic read-modify-write: read with its ETag, apply, write only if the ETag still holds,
/// else read again. Every host and every Durable backend shares it through the storage account, so the limit holds
/// across processes and scale-out; Durable entities (which the local engine lacks) are not needed.
/// </summary>
public class RenderSlotStore
{
    /// <summary>The semaphore's blob, in <see cref="StorageOptions.WebhookEventsContainer"/> (the pipeline's internal state).</summary>
    public const string BlobName = "slots/heygen.json";

    // Contention is short (a few renders acquiring or releasing at once); past this the activity fails and Durable retries it.
    private const int MaxAttempts = 50;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    public RenderSlotStore(BlobServiceClient blobs, IOptions<StorageOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _container = blobs.GetBlobContainerClient(options.Value.WebhookEventsContainer);
        _time = time;
    }

    /// <summary>For mocking.</summary>
    protected RenderSlotStore()
    {
        _container = null!;
        _time = TimeProvider.System;
    }

    /// <summary>Applies <paramref name="operation"/> to the current state and stores the result atomically.</summary>
    /// <returns>The operation's answer, from the state it was applied to.</returns>
    public virtual async Task<SlotAnswer> ApplyAsync(Func<RenderSlots, SlotAnswer> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var blob = _container.GetBlobClient(BlobName);
        for (var attempt = 1; ; attempt++)
        {
            var (state, etag) = await ReadAsync(blob, cancellationToken).ConfigureAwait(false);
            var answer = operation(state);
            var conditions = etag is { } current ? new BlobRequestConditions { IfMatch = current } : new BlobRequestConditions { IfNoneMatch = ETag.All };
            try
            {
                await blob.UploadAsync(BinaryData.FromObjectAsJson(state, s_json), new BlobUploadOptions
                {
                    Conditions = conditions,
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                }, cancellationToken).ConfigureAwait(false);
                PipelineTelemetry.ObserveSlots(state.Holders.Sum(h => Math.Max(1, h.Weight)));
                return answer;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another render changed the semaphore in between: back off a little (spread by attempt) and apply again.
                await Task.Delay(TimeSpan.FromMilliseconds(5 * Math.Min(attempt, 20)), _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(RenderSlots State, ETag? ETag)> ReadAsync(BlobClient blob, CancellationToken cancellationToken)
    {
        try
        {
            var content = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            var state = JsonSerializer.Deserialize<RenderSlots>(content.Value.Content.ToMemory().Span, s_json) ?? new RenderSlots();
            return (state, content.Value.Details.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            if (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            return (new RenderSlots(), null);
        }
    }
}
