using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HeyGenRender.Pipeline.Api;

/// <summary>
/// Handles a blob dropped into the inbox (<c>render-requests</c>): a <c>*.json</c> job spec is validated and
/// started with an id derived from its name and ETag, so a re-trigger starts nothing new; a spec that cannot
/// be accepted is moved to <c>render-requests-failed</c> with <c>{name without .json}.error.json</c> beside it
/// listing every problem. Other blobs (assets beside the jobs) are ignored.
/// </summary>
public partial class InboxHandler
{
    /// <summary>The suffix of the error report written beside a rejected job blob.</summary>
    public const string ErrorReportSuffix = ".error.json";

    private readonly BlobServiceClient _blobs;
    private readonly RenderStarter _starter;
    private readonly StorageOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<InboxHandler> _logger;

    /// <summary>Creates the handler.</summary>
    /// <param name="blobs">The pipeline's blob account.</param>
    /// <param name="starter">Validates and starts renders.</param>
    /// <param name="options">Container names.</param>
    /// <param name="time">The clock (for the report's time).</param>
    /// <param name="logger">Logs.</param>
    public InboxHandler(BlobServiceClient blobs, RenderStarter starter, IOptions<StorageOptions> options, TimeProvider time, ILogger<InboxHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(starter);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _blobs = blobs;
        _starter = starter;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>For mocking.</summary>
    protected InboxHandler()
    {
        _blobs = null!;
        _starter = null!;
        _options = new StorageOptions();
        _time = TimeProvider.System;
        _logger = null!;
    }

    /// <summary>True for the blobs this handler acts on: <c>*.json</c>, not error reports.</summary>
    /// <param name="blobName">The blob's name.</param>
    /// <returns>Whether it is a job spec.</returns>
    public static bool IsJobBlob(string blobName) =>
        blobName.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
        && !blobName.EndsWith(ErrorReportSuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Handles one inbox blob (the blob trigger's name, relative to the inbox container).</summary>
    /// <param name="blobName">The blob's name in <see cref="StorageOptions.RequestsContainer"/>.</param>
    /// <param name="cancellationToken">Cancels the handling.</param>
    /// <returns>What was done.</returns>
    /// <exception cref="RequestFailedException">Storage failed (the trigger retries).</exception>
    public virtual async Task<InboxOutcome> HandleAsync(string blobName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(blobName);
        if (!IsJobBlob(blobName))
        {
            return new InboxOutcome(InboxStatus.Ignored, null, []);
        }

        var source = _blobs.GetBlobContainerClient(_options.RequestsContainer).GetBlobClient(blobName);
        BlobProperties properties;
        try
        {
            properties = (await source.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // Moved aside or deleted since the trigger fired.
            return new InboxOutcome(InboxStatus.Ignored, null, []);
        }

        var renderId = RenderIds.FromInboxBlob(_options.RequestsContainer, blobName, properties.ETag);
        byte[] content;
        IReadOnlyList<JobSpecError> errors;
        if (properties.ContentLength > RenderJobSpecParser.MaxSpecBytes)
        {
            // Too large to be a spec: move it aside without reading it into memory.
            content = [];
            errors = [new JobSpecError("$", string.Create(CultureInfo.InvariantCulture, $"{properties.ContentLength:N0} bytes, limit {RenderJobSpecParser.MaxSpecBytes:N0}"))];
        }
        else
        {
            try
            {
                var download = await source.DownloadContentAsync(
                    new BlobDownloadOptions { Conditions = new BlobRequestConditions { IfMatch = properties.ETag } },
                    cancellationToken).ConfigureAwait(false);
                content = download.Value.Content.ToArray();
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Replaced or removed meanwhile; the new upload has its own trigger.
                return new InboxOutcome(InboxStatus.Ignored, null, []);
            }

            var outcome = await _starter.StartAsync(content, renderId, $"inbox:{_options.RequestsContainer}/{blobName}", cancellationToken).ConfigureAwait(false);
            switch (outcome.Status)
            {
                case StartStatus.Started:
                    return new InboxOutcome(InboxStatus.Started, renderId, []);
                case StartStatus.AlreadyStarted:
                    return new InboxOutcome(InboxStatus.AlreadyStarted, renderId, []);
                case StartStatus.Conflict:
                    errors = [new JobSpecError("$", $"render {renderId} was already started from different content")];
                    break;
                default:
                    errors = outcome.Errors;
                    break;
            }
        }

        var failedName = await MoveAsideAsync(source, properties, content, errors, cancellationToken).ConfigureAwait(false);
        Log.Rejected(_logger, blobName, errors.Count, failedName);
        return new InboxOutcome(InboxStatus.Rejected, null, errors, failedName);
    }

    private async Task<string> MoveAsideAsync(BlobClient source, BlobProperties properties, byte[] content, IReadOnlyList<JobSpecError> errors, CancellationToken cancellationToken)
    {
        var failed = _blobs.GetBlobContainerClient(_options.FailedRequestsContainer);
        await failed.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);

        // Never overwrite an earlier rejected blob of the same name: that one would be lost.
        var name = source.Name;
        var copy = failed.GetBlobClient(name);
        if (!await TryCreateCopyAsync(source, copy, properties, content, cancellationToken).ConfigureAwait(false))
        {
            var stem = name[..^".json".Length];
            name = $"{stem}.{RenderIds.FromInboxBlob(source.BlobContainerName, source.Name, properties.ETag)}.json";
            copy = failed.GetBlobClient(name);
            await TryCreateCopyAsync(source, copy, properties, content, cancellationToken).ConfigureAwait(false);
        }

        var report = new InboxErrorReport
        {
            Blob = $"{source.BlobContainerName}/{source.Name}",
            MovedTo = $"{failed.Name}/{name}",
            ETag = properties.ETag.ToString(),
            RejectedAt = _time.GetUtcNow(),
            Errors = [.. errors.Select(e => new InboxErrorReport.Problem(e.Field, e.Message))],
        };
        var reportBytes = JsonSerializer.SerializeToUtf8Bytes(report, IntakeJsonContext.Default.InboxErrorReport);
        await failed.GetBlobClient(ErrorReportName(name)).UploadAsync(
            BinaryData.FromBytes(reportBytes),
            new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" } },
            cancellationToken).ConfigureAwait(false);

        // Only now is the original safe to remove, and only the version we judged.
        try
        {
            await source.DeleteIfExistsAsync(conditions: new BlobRequestConditions { IfMatch = properties.ETag }, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 412)
        {
            // Replaced by a new upload, which its own trigger will judge.
        }

        return $"{failed.Name}/{name}";
    }

    /// <summary>The error report's name for a moved job blob: <c>a/job.json</c> → <c>a/job.error.json</c>.</summary>
    /// <param name="jobBlobName">The job blob's name.</param>
    /// <returns>The report's name.</returns>
    public static string ErrorReportName(string jobBlobName)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobBlobName);
        var stem = jobBlobName.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? jobBlobName[..^".json".Length] : jobBlobName;
        return stem + ErrorReportSuffix;
    }

    private static async Task<bool> TryCreateCopyAsync(BlobClient source, BlobClient copy, BlobProperties properties, byte[] content, CancellationToken cancellationToken)
    {
        var conditions = new BlobRequestConditions { IfNoneMatch = ETag.All };
        try
        {
            if (properties.ContentLength > content.Length)
            {
                // Large blob: server-side copy of exactly the version judged, never through memory.
                var operation = await copy.StartCopyFromUriAsync(
                    source.Uri,
                    new BlobCopyFromUriOptions { DestinationConditions = conditions, SourceConditions = new BlobRequestConditions { IfMatch = properties.ETag } },
                    cancellationToken).ConfigureAwait(false);
                await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await copy.UploadAsync(
                    BinaryData.FromBytes(content),
                    new BlobUploadOptions { Conditions = conditions, HttpHeaders = new BlobHttpHeaders { ContentType = properties.ContentType } },
                    cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Inbox blob {BlobName} rejected with {ErrorCount} problem(s); moved to {FailedBlob}")]
        public static partial void Rejected(ILogger logger, string blobName, int errorCount, string failedBlob);
    }
}

/// <summary>What <see cref="InboxHandler.HandleAsync"/> did.</summary>
/// <param name="Status">The kind of outcome.</param>
/// <param name="RenderId">The render id, when started.</param>
/// <param name="Errors">Every problem, when rejected.</param>
/// <param name="MovedTo">Where the rejected blob now is (<c>container/name</c>).</param>
public sealed record InboxOutcome(InboxStatus Status, string? RenderId, IReadOnlyList<JobSpecError> Errors, string? MovedTo = null);

/// <summary>The kinds of inbox outcome.</summary>
public enum InboxStatus
{
    /// <summary>Not a job spec (or already gone): nothing done.</summary>
    Ignored,

    /// <summary>A render was started.</summary>
    Started,

    /// <summary>This upload already started a render (a re-trigger).</summary>
    AlreadyStarted,

    /// <summary>Moved to the failed container with an error report.</summary>
    Rejected,
}

/// <summary>The <c>*.error.json</c> written beside a rejected job blob.</summary>
public sealed record InboxErrorReport
{
    /// <summary>Where the job blob was (<c>container/name</c>).</summary>
    [JsonPropertyName("blob")]
    public required string Blob { get; init; }

    /// <summary>Where it was moved (<c>container/name</c>).</summary>
    [JsonPropertyName("moved_to")]
    public required string MovedTo { get; init; }

    /// <summary>The ETag of the version judged.</summary>
    [JsonPropertyName("etag")]
    public required string ETag { get; init; }

    /// <summary>When it was rejected.</summary>
    [JsonPropertyName("rejected_at")]
    public required DateTimeOffset RejectedAt { get; init; }

    /// <summary>Every problem.</summary>
    [JsonPropertyName("errors")]
    public required IReadOnlyList<Problem> Errors { get; init; }

    /// <summary>One problem.</summary>
    /// <param name="Field">The JSON path.</param>
    /// <param name="Message">The rule.</param>
    public sealed record Problem(
        [property: JsonPropertyName("field")] string Field,
        [property: JsonPropertyName("message")] string Message);
}
