using System.Text.Json.Serialization;
using HeyGenRender.Pipeline.Workflow;

namespace HeyGenRender.Pipeline.Jobs;

/// <summary>
/// The render orchestration's input: references and small values only, never payloads. The validated job spec is
/// stored at <see cref="JobBlob"/> (written once, conditionally) and read back with <see cref="RenderJobStore"/>.
/// </summary>
public sealed record RenderRequest
{
    /// <summary>The render id, which is also the orchestration instance id.</summary>
    [JsonPropertyName("render_id")]
    public required string RenderId { get; init; }

    /// <summary>The kind, so a reader can tell what the job is without fetching it.</summary>
    [JsonPropertyName("kind")]
    public required RenderKind Kind { get; init; }

    /// <summary>The stored, validated job spec (<c>renders/{render id}/job.json</c> by default).</summary>
    [JsonPropertyName("job_blob")]
    public required BlobLocation JobBlob { get; init; }

    /// <summary>Where the outputs go: <c>{container}/{prefix}/video.mp4</c>, <c>result.json</c>, <c>error.json</c>.</summary>
    [JsonPropertyName("output")]
    public required OutputLocation Output { get; init; }

    /// <summary>How to wait for HeyGen.</summary>
    [JsonPropertyName("wait_mode")]
    public required WaitMode WaitMode { get; init; }

    /// <summary>The overall timeout.</summary>
    [JsonPropertyName("timeout")]
    public required TimeSpan Timeout { get; init; }

    /// <summary>
    /// The revision of the workflow the render started under (<see cref="CurrentWorkflowRevision"/> for new renders).
    /// A render replays its history with the code that runs it, so a release that changes which activities the
    /// workflow schedules keeps the old sequence for renders already in flight; an input without it is revision 1.
    /// </summary>
    [JsonPropertyName("workflow_revision")]
    public int WorkflowRevision { get; init; } = 1;

    /// <summary>
    /// The revision new renders start under. 2: the slot is handed on while a webhook's GET confirms it, and a granted
    /// render creates its job without asking the slot store again. 3: the wait keeps one safety-net timer across
    /// events that change nothing, instead of scheduling a new one after each. 4: the starter plans the render and puts
    /// the <see cref="Plan"/> here, so the workflow begins with its uploads or its slot instead of a <c>PrepareRender</c>
    /// activity (one activity and one orchestration episode fewer per render, all of them in the burst of a start).
    /// </summary>
    public const int CurrentWorkflowRevision = 4;

    /// <summary>The render's plan, fixed when it started (revision 4 on); absent before: <c>PrepareRender</c> makes it.</summary>
    [JsonPropertyName("plan")]
    public RenderPlan? Plan { get; init; }

    /// <summary>Where the request came from: <c>http</c> or <c>inbox:{container}/{blob}</c>, for logs.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; init; }
}

/// <summary>A blob's container and name.</summary>
/// <param name="Container">The container.</param>
/// <param name="Name">The blob name.</param>
public sealed record BlobLocation(
    [property: JsonPropertyName("container")] string Container,
    [property: JsonPropertyName("name")] string Name)
{
    /// <inheritdoc />
    public override string ToString() => $"{Container}/{Name}";
}

/// <summary>The resolved output place of a render (prefix already defaulted to the render id).</summary>
/// <param name="Container">The container.</param>
/// <param name="Prefix">The name prefix, without a trailing slash.</param>
public sealed record OutputLocation(
    [property: JsonPropertyName("container")] string Container,
    [property: JsonPropertyName("prefix")] string Prefix)
{
    /// <summary>The video file name.</summary>
    public const string VideoFile = "video.mp4";

    /// <summary>The thumbnail file name.</summary>
    public const string ThumbnailFile = "thumbnail.jpg";

    /// <summary>The captions file name.</summary>
    public const string CaptionsFile = "captions.srt";

    /// <summary>The result document written on success.</summary>
    public const string ResultFile = "result.json";

    /// <summary>The error document written on failure.</summary>
    public const string ErrorFile = "error.json";

    /// <summary>The location of <paramref name="fileName"/> under this output.</summary>
    /// <param name="fileName">A file name such as <see cref="VideoFile"/>.</param>
    /// <returns>The blob location.</returns>
    public BlobLocation File(string fileName) => new(Container, $"{Prefix}/{fileName}");
}
