using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Webhooks;

/// <summary>
/// De-duplicates webhook deliveries on <c>Heygen-Event-Id</c> with a marker blob
/// <c>{webhook-events}/dedupe/{event id}</c>. The marker is claimed atomically (If-None-Match: *) in state
/// <c>processing</c>, set to <c>done</c> once the event was delivered, and released (deleted) when delivery
/// failed, so HeyGen's retry is processed instead of being taken for a duplicate. A claim left behind by a
/// crashed worker expires after <see cref="ClaimTimeout"/>.
/// </summary>
public class WebhookDedupe
{
    /// <summary>The marker name prefix; infrastructure's lifecycle rule deletes markers under it after 2 days.</summary>
    public const string MarkerPrefix = "dedupe/";

    /// <summary>How long a <c>processing</c> claim blocks other deliveries of the same event.</summary>
    public static readonly TimeSpan ClaimTimeout = TimeSpan.FromSeconds(60);

    private const string StateKey = "state";
    private const string ClaimedAtKey = "claimed_at";
    private const string Processing = "processing";
    private const string Done = "done";

    private readonly BlobContainerClient _container;
    private readonly TimeProvider _time;
    private int _containerReady;

    /// <summary>Creates the de-duplicator.</summary>
    /// <param name="blobs">The pipeline's blob account.</param>
    /// <param name="options">Container names (<see cref="StorageOptions.WebhookEventsContainer"/>).</param>
    /// <param name="time">The clock.</param>
    public WebhookDedupe(BlobServiceClient blobs, IOptions<StorageOptions> options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _container = blobs.GetBlobContainerClient(options.Value.WebhookEventsContainer);
        _time = time;
    }

    /// <summary>The marker blob name for an event id.</summary>
    /// <param name="eventId">The <c>Heygen-Event-Id</c>.</param>
    /// <returns>The blob name.</returns>
    public static string MarkerName(string eventId)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventId);
        return MarkerPrefix + Uri.EscapeDataString(eventId).Replace(".", "%2E", StringComparison.Ordinal);
    }

    /// <summary>Claims <paramref name="eventId"/> for processing.</summary>
    /// <param name="eventId">The <c>Heygen-Event-Id</c>.</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The claim: <see cref="DedupeClaim.Status"/> says whether to process it.</returns>
    /// <exception cref="RequestFailedException">Storage failed.</exception>
    public virtual async Task<DedupeClaim> TryClaimAsync(string eventId, CancellationToken cancellationToken = default)
    {
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        var blob = _container.GetBlobClient(MarkerName(eventId));
        var now = _time.GetUtcNow();
        try
        {
            var created = await blob.UploadAsync(
                BinaryData.Empty,
                new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All }, Metadata = ClaimMetadata(now) },
                cancellationToken).ConfigureAwait(false);
            return new DedupeClaim(DedupeStatus.Claimed, blob.Name, created.Value.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Someone has it: finished, in flight, or abandoned.
        }

        BlobProperties existing;
        try
        {
            existing = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Released between our two calls; the next delivery will claim it.
            return new DedupeClaim(DedupeStatus.InProgress, blob.Name, default);
        }

        if (!existing.Metadata.TryGetValue(StateKey, out var state) || state == Done)
        {
            return new DedupeClaim(DedupeStatus.Duplicate, blob.Name, existing.ETag);
        }

        var claimedAt = existing.Metadata.TryGetValue(ClaimedAtKey, out var text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed)
            ? parsed
            : DateTimeOffset.MinValue;
        if (now - claimedAt < ClaimTimeout)
        {
            return new DedupeClaim(DedupeStatus.InProgress, blob.Name, existing.ETag);
        }

        // Abandoned claim: take it over, conditionally, so only one taker wins.
        try
        {
            var taken = await blob.SetMetadataAsync(ClaimMetadata(now), new BlobRequestConditions { IfMatch = existing.ETag }, cancellationToken).ConfigureAwait(false);
            return new DedupeClaim(DedupeStatus.Claimed, blob.Name, taken.Value.ETag);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return new DedupeClaim(DedupeStatus.InProgress, blob.Name, existing.ETag);
        }
    }

    /// <summary>Marks a claimed event as delivered; later deliveries are duplicates.</summary>
    /// <param name="claim">A claim with status <see cref="DedupeStatus.Claimed"/>.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task that completes when marked.</returns>
    /// <exception cref="RequestFailedException">Storage failed.</exception>
    public virtual async Task CompleteAsync(DedupeClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var metadata = new Dictionary<string, string> { [StateKey] = Done };
        await _container.GetBlobClient(claim.MarkerName).SetMetadataAsync(metadata, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases a claimed event whose delivery failed, so HeyGen's retry is processed.</summary>
    /// <param name="claim">A claim with status <see cref="DedupeStatus.Claimed"/>.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>A task that completes when released.</returns>
    /// <exception cref="RequestFailedException">Storage failed.</exception>
    public virtual async Task ReleaseAsync(DedupeClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        try
        {
            await _container.GetBlobClient(claim.MarkerName).DeleteIfExistsAsync(
                conditions: new BlobRequestConditions { IfMatch = claim.ETag },
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Someone took the claim over; theirs now.
        }
    }

    private static Dictionary<string, string> ClaimMetadata(DateTimeOffset now) => new()
    {
        [StateKey] = Processing,
        [ClaimedAtKey] = now.ToString("O", CultureInfo.InvariantCulture),
    };

    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _containerReady) == 0)
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _containerReady, 1);
        }
    }
}

/// <summary>The outcome of <see cref="WebhookDedupe.TryClaimAsync"/>.</summary>
/// <param name="Status">Whether to process the event.</param>
/// <param name="MarkerName">The marker blob.</param>
/// <param name="ETag">The marker's ETag after the claim.</param>
public sealed record DedupeClaim(DedupeStatus Status, string MarkerName, ETag ETag);

/// <summary>What a de-duplication claim found.</summary>
public enum DedupeStatus
{
    /// <summary>First delivery (or an abandoned claim taken over): process it.</summary>
    Claimed,

    /// <summary>Already delivered: acknowledge and do nothing.</summary>
    Duplicate,

    /// <summary>Another delivery of the same event is being processed right now: ask HeyGen to retry later.</summary>
    InProgress,
}
