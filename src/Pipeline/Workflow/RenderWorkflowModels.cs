using System.Text.Json.Serialization;
using HeyGenRender.Pipeline.Jobs;

namespace HeyGenRender.Pipeline.Workflow;

// Activity inputs and outputs. They travel through orchestration history, so they hold references
// (blob names, HeyGen ids, hashes) and small values, never file bytes or signed URLs.

/// <summary>What <c>PrepareRender</c> learned from the stored job spec and the options, fixed for the render's life.</summary>
/// <param name="Kind">The render kind.</param>
/// <param name="Assets">The blob assets to upload (URL assets go to HeyGen as URLs).</param>
/// <param name="WaitMode">The effective wait mode (lipsyncs: always poll).</param>
/// <param name="ConcurrencyLimit">HeyGen jobs allowed in flight across all renders.</param>
/// <param name="ExpectedRenderTime">When HeyGen is likely done; the first poll goes near it.</param>
/// <param name="PollInterval">The longest gap between polls in <c>poll</c> mode.</param>
/// <param name="SafetyNetPollInterval">The longest gap between safety-net polls in <c>auto</c>/<c>webhook</c> mode.</param>
/// <param name="SlotRecheckInterval">How often a queued render asks the semaphore again.</param>
/// <param name="CreditRate">HeyGen's rate for this job (<see cref="CreditRates"/>), for the estimate in result.json.</param>
/// <param name="HeyGenJobs">The HeyGen jobs the render runs at once (a translation: one per output language), capped at
/// <paramref name="ConcurrencyLimit"/>: its weight in the slots semaphore. Absent in older history: 1.</param>
public sealed record RenderPlan(
    RenderKind Kind,
    IReadOnlyList<UploadAssetInput> Assets,
    WaitMode WaitMode,
    int ConcurrencyLimit,
    TimeSpan ExpectedRenderTime,
    TimeSpan PollInterval,
    TimeSpan SafetyNetPollInterval,
    TimeSpan SlotRecheckInterval,
    CreditRate? CreditRate = null,
    int HeyGenJobs = 1);

/// <summary>One blob asset to upload.</summary>
/// <param name="Path">Its JSON path in the spec, for example <c>image.image</c>.</param>
/// <param name="Container">The blob's container.</param>
/// <param name="BlobName">The blob's name.</param>
public sealed record UploadAssetInput(string Path, string Container, string BlobName);

/// <summary>An asset HeyGen holds.</summary>
/// <param name="Path">Its JSON path in the spec.</param>
/// <param name="AssetId">HeyGen's asset id.</param>
/// <param name="Sha256">The content's SHA-256 (hex).</param>
/// <param name="Length">The content's length.</param>
/// <param name="Reused">True when an identical earlier upload was reused.</param>
public sealed record UploadedAsset(string Path, string AssetId, string Sha256, long Length, bool Reused);

/// <summary>Input of <c>CreateHeyGenJob</c>.</summary>
/// <param name="InstanceId">The render id: the job's <c>callback_id</c> and the base of its <c>Idempotency-Key</c>.</param>
/// <param name="JobBlob">The stored job spec.</param>
/// <param name="Assets">The uploaded assets by JSON path.</param>
public sealed record CreateJobInput(string InstanceId, BlobLocation JobBlob, IReadOnlyList<UploadedAsset> Assets);

/// <summary>The outcome of <c>CreateHeyGenJob</c>: created, throttled, or refused.</summary>
/// <param name="HeyGenId">The job's id (video id, session id, translation id or lipsync id) when created.</param>
/// <param name="OtherIds">Further ids (translations into several languages).</param>
/// <param name="RetryAfter">When throttled (429 or a concurrency limit): how long to wait before trying again.</param>
/// <param name="FailureCode">When HeyGen refused the job: its error code.</param>
/// <param name="FailureMessage">When HeyGen refused the job: its message.</param>
public sealed record CreateJobResult(string? HeyGenId, IReadOnlyList<string>? OtherIds, TimeSpan? RetryAfter, string? FailureCode, string? FailureMessage);

/// <summary>A HeyGen job to look at.</summary>
/// <param name="Kind">The render kind, which says which endpoint holds it.</param>
/// <param name="HeyGenId">HeyGen's id.</param>
/// <param name="OtherIds">Further ids of the same job (a translation into several languages: one id per language);
/// the job is finished when all of them are.</param>
public sealed record JobRef(RenderKind Kind, string HeyGenId, IReadOnlyList<string>? OtherIds = null)
{
    /// <summary>Every id of the job, the first one first.</summary>
    public IReadOnlyList<string> AllIds => OtherIds is { Count: > 0 } others ? [HeyGenId, .. others] : [HeyGenId];
}

/// <summary>A HeyGen job's state, reduced: no URLs (they expire and are credentials).</summary>
/// <param name="Status"><c>pending</c>, <c>processing</c>, <c>completed</c> or <c>failed</c> (translations' and lipsyncs' <c>running</c> maps to <c>processing</c>).</param>
/// <param name="VideoId">The video id (for video agents, once known).</param>
/// <param name="Duration">The output duration in seconds, when known.</param>
/// <param name="FailureCode">HeyGen's failure code.</param>
/// <param name="FailureMessage">HeyGen's failure message.</param>
public sealed record JobSnapshot(string Status, string? VideoId, double? Duration, string? FailureCode, string? FailureMessage)
{
    /// <summary>Done, one way or the other.</summary>
    public bool IsTerminal => Status is "completed" or "failed";
}

/// <summary>Input of <c>DownloadOutputs</c>.</summary>
/// <param name="Job">The finished job.</param>
/// <param name="Output">Where the files go.</param>
/// <param name="RenderId">The render, whose folder <paramref name="Output"/> must be.</param>
public sealed record DownloadInput(JobRef Job, OutputLocation Output, string RenderId);

/// <summary>The files <c>DownloadOutputs</c> stored.</summary>
/// <param name="Files">Each file's role (<c>video</c>, <c>thumbnail</c>, <c>captions</c>), blob, length and SHA-256.</param>
/// <param name="UrlRefreshes">How often an expired download URL was refreshed by a GET of the job.</param>
/// <param name="Outputs">Each output video (one per language for translations) with its duration, for the credit estimate.</param>
public sealed record DownloadResult(IReadOnlyList<StoredFile> Files, int UrlRefreshes, IReadOnlyList<JobOutput>? Outputs = null);

/// <summary>One output video of a HeyGen job.</summary>
/// <param name="HeyGenId">The id it belongs to (a translation: one per language).</param>
/// <param name="Language">The output language (translations), else null.</param>
/// <param name="DurationSeconds">Its duration as HeyGen reports it.</param>
public sealed record JobOutput(string HeyGenId, string? Language, double? DurationSeconds);

/// <summary>One stored output file.</summary>
/// <param name="Role"><c>video</c>, <c>thumbnail</c> or <c>captions</c>.</param>
/// <param name="Blob">Where it is.</param>
/// <param name="Length">Its length.</param>
/// <param name="Sha256">Its SHA-256 (hex).</param>
/// <param name="Language">The output language (translations into several languages), else null.</param>
public sealed record StoredFile(string Role, BlobLocation Blob, long Length, string Sha256, string? Language = null);

/// <summary>The stage a render was in.</summary>
public static class RenderStages
{
    /// <summary>Reading the job.</summary>
    public const string Prepare = "prepare";

    /// <summary>Uploading assets.</summary>
    public const string Upload = "upload";

    /// <summary>Waiting for a HeyGen slot (concurrency limit).</summary>
    public const string Queue = "queue";

    /// <summary>Creating the HeyGen job.</summary>
    public const string Create = "create";

    /// <summary>Waiting for HeyGen.</summary>
    public const string Wait = "wait";

    /// <summary>Downloading outputs.</summary>
    public const string Download = "download";

    /// <summary>Writing result.json.</summary>
    public const string Finish = "finish";

    /// <summary>Done.</summary>
    public const string Completed = "completed";

    /// <summary>Failed.</summary>
    public const string Failed = "failed";

    /// <summary>Cancelled by its caller.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>The custom status a render shows while it runs.</summary>
/// <param name="Stage">One of <see cref="RenderStages"/>.</param>
/// <param name="Progress">0–100, a rough share of the work done.</param>
/// <param name="Detail">A short note, for example the HeyGen status or the queue position.</param>
/// <param name="HeyGenId">HeyGen's id once the job exists.</param>
/// <remarks>Serialized snake_case like every document the API shows (<c>heygen_id</c>), whatever the engine's serializer.</remarks>
public sealed record RenderStatus(
    [property: JsonPropertyName("stage")] string Stage,
    [property: JsonPropertyName("progress")] int Progress,
    [property: JsonPropertyName("detail")] string? Detail = null,
    [property: JsonPropertyName("heygen_id")] string? HeyGenId = null);

/// <summary>Times of a render's stages (orchestration time, UTC).</summary>
/// <param name="Started">When the render started.</param>
/// <param name="Uploaded">When its assets were uploaded.</param>
/// <param name="Created">When the HeyGen job was created.</param>
/// <param name="HeyGenFinished">When the render learned that HeyGen had finished.</param>
/// <param name="Finished">When the outputs were stored.</param>
public sealed record RenderTimings(DateTime Started, DateTime? Uploaded, DateTime? Created, [property: JsonPropertyName("heygen_finished")] DateTime? HeyGenFinished, DateTime? Finished);

/// <summary>Counters of the HeyGen calls a render made (for result.json and the measurements).</summary>
/// <param name="CreateAttempts">Create calls (more than one after a 429).</param>
/// <param name="Polls">Status GETs made on a timer.</param>
/// <param name="Confirmations">Status GETs made to confirm a webhook.</param>
/// <param name="Throttled">429 / concurrency-limit answers on create.</param>
/// <param name="WebhooksReceived">Webhook events delivered to the render (duplicates included).</param>
public sealed record RenderCounters(int CreateAttempts, int Polls, int Confirmations, int Throttled, int WebhooksReceived);

/// <summary>Input of <c>WriteResult</c>: everything result.json says.</summary>
/// <param name="InstanceId">The render id.</param>
/// <param name="Kind">The render kind.</param>
/// <param name="HeyGenId">HeyGen's id.</param>
/// <param name="OtherHeyGenIds">Further HeyGen ids (multi-language translations).</param>
/// <param name="VideoId">The video id (video agents).</param>
/// <param name="Output">Where result.json goes.</param>
/// <param name="Assets">The assets used.</param>
/// <param name="Files">The stored files.</param>
/// <param name="DurationSeconds">The video's duration.</param>
/// <param name="Timings">Stage times.</param>
/// <param name="Counters">HeyGen call counters.</param>
/// <param name="DetectedBy"><c>webhook</c> or <c>poll</c>.</param>
/// <param name="Outputs">Each output video (one per language for translations).</param>
/// <param name="Credits">The estimated HeyGen charge (<see cref="CreditRates"/>).</param>
public sealed record WriteResultInput(
    string InstanceId,
    RenderKind Kind,
    string HeyGenId,
    IReadOnlyList<string>? OtherHeyGenIds,
    string? VideoId,
    OutputLocation Output,
    IReadOnlyList<UploadedAsset> Assets,
    IReadOnlyList<StoredFile> Files,
    double? DurationSeconds,
    RenderTimings Timings,
    RenderCounters Counters,
    string DetectedBy,
    IReadOnlyList<JobOutput>? Outputs = null,
    CreditEstimate? Credits = null);

/// <summary>Input of <c>WriteError</c>: everything error.json says.</summary>
/// <param name="InstanceId">The render id.</param>
/// <param name="Output">Where error.json goes.</param>
/// <param name="Stage">The stage that failed (<see cref="RenderStages"/>).</param>
/// <param name="Code">HeyGen's <c>failure_code</c>, or <c>timeout</c>, <c>cancelled</c>, or an error code of the pipeline.</param>
/// <param name="Message">HeyGen's <c>failure_message</c> or a description.</param>
/// <param name="HeyGenId">HeyGen's id, if the job was created.</param>
/// <param name="Timings">Stage times.</param>
/// <param name="Counters">HeyGen call counters.</param>
/// <param name="Discard">Files the render stored before it was stopped (a cancel during the download): deleted first, so
/// the folder holds error.json and nothing that looks like a result.</param>
/// <param name="Kind">The render's kind, when the plan was made (for the metrics).</param>
public sealed record WriteErrorInput(
    string InstanceId,
    OutputLocation Output,
    string Stage,
    string Code,
    string Message,
    string? HeyGenId,
    RenderTimings Timings,
    RenderCounters Counters,
    IReadOnlyList<BlobLocation>? Discard = null,
    RenderKind? Kind = null);

/// <summary>The orchestration's output.</summary>
/// <param name="Status"><c>completed</c>, <c>failed</c> or <c>cancelled</c>.</param>
/// <param name="ResultBlob">result.json or error.json.</param>
/// <param name="HeyGenId">HeyGen's id, if created.</param>
/// <param name="Stage">The failed stage, when failed.</param>
/// <param name="Code">The failure code, when failed.</param>
/// <param name="Counters">HeyGen call counters.</param>
/// <param name="Videos">The stored videos, when completed: one, or one per language of a translation.</param>
public sealed record RenderOutcome(string Status, BlobLocation? ResultBlob, string? HeyGenId, string? Stage, string? Code, RenderCounters Counters, IReadOnlyList<BlobLocation>? Videos = null);
