using System.Globalization;
using System.Text.Json;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Orchestration;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.DurableTask.Client;

namespace HeyGenRender.Pipeline.Api;

/// <summary>
/// The render HTTP API, independent of any host: <c>POST /api/renders</c>, <c>GET /api/renders/{id}</c>,
/// <c>POST /api/renders/{id}/cancel</c>. Each method takes what the route gives and returns an <see cref="ApiResponse"/>.
/// </summary>
public class RenderApi
{
    /// <summary>The route of the collection; a render's status is at <c>{RoutePrefix}/{id}</c>.</summary>
    public const string RoutePrefix = "/api/renders";

    /// <summary>The request header that makes a start safe to repeat.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private readonly RenderStarter _starter;
    private readonly DurableTaskClient _orchestrations;

    /// <summary>Creates the API.</summary>
    /// <param name="starter">Validates and starts renders.</param>
    /// <param name="orchestrations">The Durable Task client (the invocation's in the Functions app, the local host's otherwise).</param>
    public RenderApi(RenderStarter starter, DurableTaskClient orchestrations)
    {
        ArgumentNullException.ThrowIfNull(starter);
        ArgumentNullException.ThrowIfNull(orchestrations);
        _starter = starter;
        _orchestrations = orchestrations;
    }

    /// <summary>For mocking.</summary>
    protected RenderApi()
    {
        _starter = null!;
        _orchestrations = null!;
    }

    /// <summary>The status URL (relative) of a render.</summary>
    /// <param name="renderId">The render id.</param>
    /// <returns>The path.</returns>
    public static string StatusPath(string renderId) => $"{RoutePrefix}/{renderId}";

    /// <summary>
    /// <c>POST /api/renders</c>: 202 with the render id and status URL when started; 200 with the same id for a
    /// repeat with the same <c>Idempotency-Key</c>; 400 listing every problem; 409 when the key was used for
    /// another spec; 413 when the body exceeds <see cref="RenderJobSpecParser.MaxSpecBytes"/>.
    /// </summary>
    /// <param name="body">The request body (the job spec).</param>
    /// <param name="idempotencyKey">The <c>Idempotency-Key</c> header, if any.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response.</returns>
    /// <exception cref="Azure.RequestFailedException">Storage failed (answer 5xx).</exception>
    public virtual async Task<ApiResponse> StartAsync(Stream body, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        string renderId;
        if (idempotencyKey is null)
        {
            renderId = RenderIds.New();
        }
        else if (RenderIds.IsValidIdempotencyKey(idempotencyKey))
        {
            renderId = RenderIds.FromIdempotencyKey(idempotencyKey);
        }
        else
        {
            return ApiResponse.Error(400, "invalid_idempotency_key", $"{IdempotencyKeyHeader} must be 1-{RenderIds.MaxIdempotencyKeyLength} printable ASCII characters.");
        }

        var bytes = await ReadLimitedAsync(body, RenderJobSpecParser.MaxSpecBytes, cancellationToken).ConfigureAwait(false);
        if (bytes is null)
        {
            return ApiResponse.Error(413, "request_too_large", string.Create(CultureInfo.InvariantCulture, $"A job spec is at most {RenderJobSpecParser.MaxSpecBytes:N0} bytes."));
        }

        var outcome = await _starter.StartAsync(bytes, renderId, "http", cancellationToken).ConfigureAwait(false);
        return outcome.Status switch
        {
            StartStatus.Started => Accepted(202, renderId, "accepted"),
            StartStatus.AlreadyStarted => Accepted(200, renderId, "already_accepted"),
            StartStatus.Conflict => ApiResponse.Error(409, "idempotency_key_reused", $"This {IdempotencyKeyHeader} was already used for a different job spec (render {renderId})."),
            _ => InvalidSpec(outcome.Errors),
        };
    }

    /// <summary><c>GET /api/renders/{id}</c>: 200 with the status, 404 when no such render.</summary>
    /// <param name="renderId">The id from the route.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response.</returns>
    public virtual async Task<ApiResponse> GetStatusAsync(string renderId, CancellationToken cancellationToken = default)
    {
        if (!RenderIds.IsWellFormed(renderId))
        {
            return NotFound(renderId);
        }

        var state = await _orchestrations.GetInstanceAsync(renderId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        return state is null ? NotFound(renderId) : ApiResponse.Json(200, w => WriteStatus(w, state));
    }

    /// <summary>The most renders <see cref="ListAsync"/> returns.</summary>
    public const int MaxListed = 100;

    /// <summary><c>GET /api/renders</c>: 200 with the newest renders (at most <see cref="MaxListed"/>), each as its status says.</summary>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response: <c>{"renders": [...]}</c>, newest first.</returns>
    public virtual async Task<ApiResponse> ListAsync(CancellationToken cancellationToken = default)
    {
        var renders = new List<OrchestrationMetadata>();
        var query = new OrchestrationQuery { InstanceIdPrefix = "r-", FetchInputsAndOutputs = true, PageSize = MaxListed };
        await foreach (var state in _orchestrations.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (state.Name == RenderStarter.OrchestratorName && RenderIds.IsWellFormed(state.InstanceId))
            {
                renders.Add(state);
            }
        }

        return ApiResponse.Json(200, w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("renders");
            foreach (var state in renders.OrderByDescending(r => r.CreatedAt).Take(MaxListed))
            {
                WriteStatus(w, state);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary><c>POST /api/renders/{id}/cancel</c>: 202 when the cancel was sent, 404 when no such render, 409 when it has finished.</summary>
    /// <param name="renderId">The id from the route.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    /// <returns>The response.</returns>
    public virtual async Task<ApiResponse> CancelAsync(string renderId, CancellationToken cancellationToken = default)
    {
        if (!RenderIds.IsWellFormed(renderId))
        {
            return NotFound(renderId);
        }

        var state = await _orchestrations.GetInstanceAsync(renderId, getInputsAndOutputs: true, cancellationToken).ConfigureAwait(false);
        if (state is null)
        {
            return NotFound(renderId);
        }

        if (state.IsCompleted)
        {
            return ApiResponse.Error(409, "render_finished", $"Render {renderId} has already finished ({StatusName(state, ReadOutcome(state.SerializedOutput))}).");
        }

        await _orchestrations.RaiseEventAsync(renderId, RenderEvents.Cancel, null, cancellationToken).ConfigureAwait(false);
        var heyGenId = ReadCustomStatus(state.SerializedCustomStatus)?.HeyGenId;
        return ApiResponse.Json(202, w =>
        {
            w.WriteStartObject();
            w.WriteString("id", renderId);
            w.WriteString("status", "cancel_requested");
            w.WriteString("status_url", StatusPath(renderId));
            w.WriteString("heygen_id", heyGenId);
            w.WriteBoolean("heygen_job_continues", heyGenId is not null);
            w.WriteString("note", CancelSemantics.Note(heyGenId));
            w.WriteEndObject();
        }, new Dictionary<string, string> { ["Location"] = StatusPath(renderId) });
    }

    // The render's custom status, or null when it has none or it is not a RenderStatus.
    private static RenderStatus? ReadCustomStatus(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<RenderStatus>(json, OrchestrationJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The JSON name of a runtime status (<c>running</c>, <c>completed</c>, …).</summary>
    /// <param name="status">The status.</param>
    /// <returns>The snake_case name.</returns>
    public static string RuntimeStatusName(OrchestrationRuntimeStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    /// <summary>The body for a spec that is not valid: every problem, each naming the field and the rule.</summary>
    /// <param name="errors">The problems.</param>
    /// <returns>A 400 response.</returns>
    public static ApiResponse InvalidSpec(IReadOnlyList<JobSpecError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        return ApiResponse.Json(400, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("code", "invalid_job_spec");
            w.WriteString("message", errors.Count == 1 ? $"The job spec has 1 problem: {errors[0]}" : string.Create(CultureInfo.InvariantCulture, $"The job spec has {errors.Count} problems."));
            w.WriteStartArray("errors");
            foreach (var error in errors)
            {
                w.WriteStartObject();
                w.WriteString("field", error.Field);
                w.WriteString("message", error.Message);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; null when the stream has more.</summary>
    internal static async Task<byte[]?> ReadLimitedAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static ApiResponse Accepted(int statusCode, string renderId, string status) =>
        ApiResponse.Json(statusCode, w =>
        {
            w.WriteStartObject();
            w.WriteString("id", renderId);
            w.WriteString("status", status);
            w.WriteString("status_url", StatusPath(renderId));
            w.WriteEndObject();
        }, new Dictionary<string, string> { ["Location"] = StatusPath(renderId) });

    private static ApiResponse NotFound(string renderId) =>
        ApiResponse.Error(404, "render_not_found", $"No render with id '{(renderId.Length > 80 ? renderId[..80] : renderId)}'.");

    private static void WriteStatus(Utf8JsonWriter w, OrchestrationMetadata state)
    {
        // A render that failed or was cancelled still completes its orchestration (it writes error.json):
        // the render's own outcome, not the runtime status, says how it ended.
        var outcome = state.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? ReadOutcome(state.SerializedOutput) : null;
        w.WriteStartObject();
        w.WriteString("id", state.InstanceId);
        w.WriteString("status", StatusName(state, outcome));
        w.WriteString("created_at", state.CreatedAt);
        w.WriteString("last_updated_at", state.LastUpdatedAt);

        // The workflow's custom status is passed through; its stage and progress are lifted to the top.
        JsonElement? custom = null;
        if (!string.IsNullOrEmpty(state.SerializedCustomStatus))
        {
            try
            {
                using var document = JsonDocument.Parse(state.SerializedCustomStatus);
                custom = document.RootElement.Clone();
            }
            catch (JsonException)
            {
                custom = null;
            }
        }

        if (custom is { ValueKind: JsonValueKind.Object } obj)
        {
            if (obj.TryGetProperty("stage", out var stage))
            {
                w.WritePropertyName("stage");
                stage.WriteTo(w);
            }

            if (obj.TryGetProperty("progress", out var progress))
            {
                w.WritePropertyName("progress");
                progress.WriteTo(w);
            }
        }

        if (custom is { } any)
        {
            w.WritePropertyName("custom_status");
            any.WriteTo(w);
        }

        if (ReadInput(state.SerializedInput) is { } request)
        {
            w.WriteString("kind", JsonNamingPolicy.SnakeCaseLower.ConvertName(request.Kind.ToString()));
            w.WriteString("output", $"{request.Output.Container}/{request.Output.Prefix}/");
            if (outcome is { Status: not "completed" })
            {
                w.WriteString("error_blob", (outcome.ResultBlob ?? request.Output.File(OutputLocation.ErrorFile)).ToString());
                w.WriteStartObject("failure");
                w.WriteString("stage", outcome.Stage);
                w.WriteString("code", outcome.Code);
                w.WriteEndObject();
            }
            else if (state.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
            {
                w.WriteString("result_blob", (outcome?.ResultBlob ?? request.Output.File(OutputLocation.ResultFile)).ToString());
                WriteVideos(w, outcome?.Videos ?? [request.Output.File(OutputLocation.VideoFile)]);
            }
            else if (state.RuntimeStatus is OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)
            {
                w.WriteString("error_blob", request.Output.File(OutputLocation.ErrorFile).ToString());
            }
        }

        if (state.RuntimeStatus == OrchestrationRuntimeStatus.Failed)
        {
            w.WriteString("failure_message", state.FailureDetails?.ErrorMessage ?? "The render's orchestration failed.");
        }

        w.WriteStartObject("links");
        w.WriteString("self", StatusPath(state.InstanceId));
        w.WriteString("cancel", StatusPath(state.InstanceId) + "/cancel");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // One video (video_blob), or one per language of a translation (video_blobs); result.json lists them all with details.
    private static void WriteVideos(Utf8JsonWriter w, IReadOnlyList<BlobLocation> videos)
    {
        if (videos.Count == 1)
        {
            w.WriteString("video_blob", videos[0].ToString());
            return;
        }

        w.WriteStartArray("video_blobs");
        foreach (var video in videos)
        {
            w.WriteStringValue(video.ToString());
        }

        w.WriteEndArray();
    }

    // A finished render says how it ended (completed, failed, cancelled); otherwise the engine's status (running, pending, …).
    private static string StatusName(OrchestrationMetadata state, RenderOutcome? outcome) =>
        outcome?.Status ?? RuntimeStatusName(state.RuntimeStatus);

    private static RenderOutcome? ReadOutcome(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            // Written by the orchestration through OrchestrationJson, in every host.
            return JsonSerializer.Deserialize<RenderOutcome>(json, OrchestrationJson.Options) is { Status.Length: > 0 } outcome ? outcome : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static RenderRequest? ReadInput(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, IntakeJsonContext.Default.RenderRequest);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
