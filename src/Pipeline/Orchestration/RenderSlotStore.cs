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

    // Contention between processes is short (a few hosts writing at once); past this the batch fails and Durable retries its activities.
    private const int MaxAttempts = 50;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private List<PendingOperation> _queued = [];
    private bool _writing;

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
    /// <remarks>
    /// Operations asked for at once in this process go into one read-modify-write, applied in arrival order, as they
    /// would have been one after another (group commit). Ten activities racing one ETag each did a read and a refused
    /// write per loser per round: a burst of a hundred renders starting spent seconds of Azurite on conflicts. Other
    /// processes still meet at the ETag.
    /// </remarks>
    public virtual Task<SlotAnswer> ApplyAsync(Func<RenderSlots, SlotAnswer> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var pending = new PendingOperation(operation, cancellationToken);
        bool lead;
        lock (_gate)
        {
            _queued.Add(pending);
            lead = !_writing;
            _writing = true;
        }

        if (lead)
        {
            _ = Task.Run(WriteQueuedAsync, CancellationToken.None);
        }

        return pending.Answer.Task;
    }

    /// <summary>Writes batch after batch until nothing is queued; one writer at a time per process.</summary>
    private async Task WriteQueuedAsync()
    {
        while (true)
        {
            List<PendingOperation> batch;
            lock (_gate)
            {
                if (_queued.Count == 0)
                {
                    _writing = false;
                    return;
                }

                batch = _queued;
                _queued = [];
            }

            try
            {
                await WriteBatchAsync(batch).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Nothing was written: every operation of the batch fails with it (each activity is retried), and the
                // writer goes on with the next batch rather than leave its flag set with nobody writing.
                foreach (var pending in batch)
                {
                    pending.Answer.TrySetException(ex);
                }
            }
        }
    }

    private async Task WriteBatchAsync(List<PendingOperation> batch)
    {
        var blob = _container.GetBlobClient(BlobName);
        for (var attempt = 1; ; attempt++)
        {
            // A caller that gave up before its operation was applied is left out (its activity failed; Durable retries it).
            batch.RemoveAll(p => p.Cancellation.IsCancellationRequested && p.Answer.TrySetCanceled(p.Cancellation));
            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                var (state, etag) = await ReadAsync(blob, CancellationToken.None).ConfigureAwait(false);
                var answers = new SlotAnswer[batch.Count];
                if (ApplyEach(batch, state, answers) is var (failed, error))
                {
                    // That operation may have changed the state half way: it fails alone, the others apply again.
                    failed.Answer.TrySetException(error);
                    batch.Remove(failed);
                    continue;
                }

                var conditions = etag is { } current ? new BlobRequestConditions { IfMatch = current } : new BlobRequestConditions { IfNoneMatch = ETag.All };
                await blob.UploadAsync(BinaryData.FromObjectAsJson(state, s_json), new BlobUploadOptions
                {
                    Conditions = conditions,
                    HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                }).ConfigureAwait(false);
                PipelineTelemetry.ObserveSlots(state.Holders.Sum(h => Math.Max(1, h.Weight)));
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(answers[i]);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && attempt < MaxAttempts)
            {
                // Another process changed the semaphore in between: back off a little (spread by attempt) and apply again.
                await Task.Delay(TimeSpan.FromMilliseconds(5 * Math.Min(attempt, 20)), _time).ConfigureAwait(false);
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

    /// <summary>Applies the batch in order; the first operation that throws, with its exception, stops it.</summary>
    private static (PendingOperation Failed, Exception Error)? ApplyEach(List<PendingOperation> batch, RenderSlots state, SlotAnswer[] answers)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                answers[i] = batch[i].Operation(state);
            }
            catch (Exception ex)
            {
                return (batch[i], ex);
            }
        }

        return null;
    }

    private sealed record PendingOperation(Func<RenderSlots, SlotAnswer> Operation, CancellationToken Cancellation)
    {
        public TaskCompletionSource<SlotAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
