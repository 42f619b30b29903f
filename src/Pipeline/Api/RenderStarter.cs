using System.Diagnostics;
using System.Text.Json;
using HeyGenRender.Pipeline.Jobs;
using HeyGenRender.Pipeline.Telemetry;
using HeyGenRender.Pipeline.Trust;
using HeyGenRender.Pipeline.Workflow;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;

namespace HeyGenRender.Pipeline.Api;

/// <summary>
/// Starts a render from a job spec, for the HTTP API and the inbox alike (and so for the CLI and the Functions app):
/// validates it (parse, the trust rules of <see cref="StorageTrustPolicy"/>, asset existence, the output folder's claim),
/// stores it once at <c>renders/{id}/job.json</c>, plans it (<see cref="RenderPlanner"/>), and schedules the orchestration
/// with a <see cref="RenderRequest"/> that carries the references and the plan. Starting the same id twice is safe.
/// </summary>
public partial class RenderStarter
{
    /// <summary>The orchestrator's registered name (the workflow's <see cref="RenderWorkflowNames.Orchestrator"/>).</summary>
    public const string OrchestratorName = RenderWorkflowNames.Orchestrator;

    private readonly DurableTaskClient _orchestrations;
    private readonly RenderJobStore _jobs;
    private readonly JobAssetChecker _assets;
    private readonly StorageTrustPolicy _trust;
    private readonly OutputFolderClaims _claims;
    private readonly RenderPlanner _planner;
    private readonly ILogger<RenderStarter> _logger;

    /// <summary>Creates the starter.</summary>
    /// <param name="orchestrations">The Durable Task client.</param>
    /// <param name="jobs">Where accepted specs are kept.</param>
    /// <param name="assets">Checks the blob assets exist.</param>
    /// <param name="trust">What a job may read and write.</param>
    /// <param name="claims">Gives custom output folders to one render each.</param>
    /// <param name="planner">Plans each render from its spec and the workflow options.</param>
    /// <param name="logger">Logs.</param>
    public RenderStarter(DurableTaskClient orchestrations, RenderJobStore jobs, JobAssetChecker assets, StorageTrustPolicy trust, OutputFolderClaims claims, RenderPlanner planner, ILogger<RenderStarter> logger)
    {
        ArgumentNullException.ThrowIfNull(planner);
        ArgumentNullException.ThrowIfNull(trust);
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(orchestrations);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(logger);
        _orchestrations = orchestrations;
        _jobs = jobs;
        _assets = assets;
        _trust = trust;
        _claims = claims;
        _planner = planner;
        _logger = logger;
    }

    /// <summary>Validates the spec and starts render <paramref name="renderId"/>, or finds it already started.</summary>
    /// <param name="utf8Json">The job spec as received.</param>
    /// <param name="renderId">The render (instance) id; derive it with <see cref="RenderIds"/>.</param>
    /// <param name="source">Where the request came from, for the input and logs.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>What happened.</returns>
    /// <exception cref="Azure.RequestFailedException">Storage failed.</exception>
    public virtual async Task<StartOutcome> StartAsync(ReadOnlyMemory<byte> utf8Json, string renderId, string source, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(renderId);

        // The first span of the render's trace; the trigger's own span (an HTTP request, a blob trigger) is linked.
        using var span = PipelineTelemetry.StartRenderSpan("render.start", renderId, ActivityKind.Internal, links: PipelineTelemetry.LinkToCurrent());
        span?.SetTag("heygen_render.source", source);
        var outcome = await StartCoreAsync(utf8Json, renderId, source, cancellationToken).ConfigureAwait(false);
        span?.SetTag("heygen_render.start.outcome", JsonNamingPolicy.SnakeCaseLower.ConvertName(outcome.Status.ToString()));
        if (outcome.Request is { } started)
        {
            span?.SetTag("heygen_render.kind", JsonNamingPolicy.SnakeCaseLower.ConvertName(started.Kind.ToString()));
            PipelineTelemetry.RendersStarted.Add(1, new("heygen_render.kind", JsonNamingPolicy.SnakeCaseLower.ConvertName(started.Kind.ToString())), new("heygen_render.source", SourceKind(source)));
        }
        else if (outcome.Status == StartStatus.Invalid)
        {
            span?.SetStatus(ActivityStatusCode.Error, "invalid_job_spec");
            span?.SetTag("heygen_render.invalid_fields", string.Join(",", outcome.Errors.Select(e => e.Field).Distinct().Take(20)));
        }

        return outcome;
    }

    // "inbox:container/blob" → "inbox": a metric attribute with few values.
    private static string SourceKind(string source) => source.Split(':', 2)[0];

    private async Task<StartOutcome> StartCoreAsync(ReadOnlyMemory<byte> utf8Json, string renderId, string source, CancellationToken cancellationToken)
    {
        var parsed = RenderJobSpecParser.Parse(utf8Json, _jobs.SpecDefaults);
        if (parsed.Spec is not { } spec)
        {
            return StartOutcome.Invalid(renderId, parsed.Errors);
        }

        // Before any storage call: a refused spec reads nothing and writes nothing.
        if (_trust.Check(spec, renderId) is { Count: > 0 } refused)
        {
            return StartOutcome.Invalid(renderId, refused);
        }

        // A repeat of an accepted request: same id, and the stored spec says whether it is the same request.
        if (await _orchestrations.GetInstanceAsync(renderId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is not null)
        {
            var stored = await _jobs.SaveAsync(renderId, utf8Json, cancellationToken).ConfigureAwait(false);
            return stored == JobStoreOutcome.AlreadyStoredDifferent ? StartOutcome.Conflict(renderId) : StartOutcome.Existing(renderId);
        }

        var assets = await _assets.CheckAsync(spec, cancellationToken).ConfigureAwait(false);
        if (assets.Errors.Count > 0)
        {
            return StartOutcome.Invalid(renderId, assets.Errors);
        }

        var output = new OutputLocation(spec.Output.Container, spec.Output.Prefix ?? renderId);
        if (await _claims.ClaimAsync(output, renderId, cancellationToken).ConfigureAwait(false) is { } taken)
        {
            return StartOutcome.Invalid(renderId, [taken]);
        }

        if (await _jobs.SaveAsync(renderId, utf8Json, cancellationToken).ConfigureAwait(false) == JobStoreOutcome.AlreadyStoredDifferent)
        {
            return StartOutcome.Conflict(renderId);
        }

        var request = new RenderRequest
        {
            RenderId = renderId,
            Kind = spec.Kind,
            JobBlob = _jobs.LocationFor(renderId),
            Output = output,
            WaitMode = spec.Wait.Mode,
            Timeout = spec.Wait.Timeout,
            Source = source,
            WorkflowRevision = RenderRequest.CurrentWorkflowRevision,
            Plan = _planner.Plan(spec, spec.Wait.Mode, assets.LengthOf),
        };

        try
        {
            await _orchestrations.ScheduleNewOrchestrationInstanceAsync(new TaskName(OrchestratorName), request, new StartOrchestrationOptions(renderId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A concurrent repeat may have scheduled it first; that is success, anything else is not.
            if (await _orchestrations.GetInstanceAsync(renderId, getInputsAndOutputs: false, cancellationToken).ConfigureAwait(false) is null)
            {
                throw;
            }

            return StartOutcome.Existing(renderId);
        }

        Log.Started(_logger, renderId, spec.Kind, source);
        return StartOutcome.Started(renderId, request);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Render {RenderId} started: {Kind} from {Source}")]
        public static partial void Started(ILogger logger, string renderId, RenderKind kind, string source);
    }
}

/// <summary>What <see cref="RenderStarter.StartAsync"/> did.</summary>
/// <param name="Status">The kind of outcome.</param>
/// <param name="RenderId">The render id.</param>
/// <param name="Errors">Every problem, when <see cref="StartStatus.Invalid"/>.</param>
/// <param name="Request">The orchestration input, when <see cref="StartStatus.Started"/>.</param>
public sealed record StartOutcome(StartStatus Status, string RenderId, IReadOnlyList<JobSpecError> Errors, RenderRequest? Request)
{
    internal static StartOutcome Started(string id, RenderRequest request) => new(StartStatus.Started, id, [], request);

    internal static StartOutcome Existing(string id) => new(StartStatus.AlreadyStarted, id, [], null);

    internal static StartOutcome Conflict(string id) => new(StartStatus.Conflict, id, [], null);

    internal static StartOutcome Invalid(string id, IReadOnlyList<JobSpecError> errors) => new(StartStatus.Invalid, id, errors, null);
}

/// <summary>The kinds of start outcome.</summary>
public enum StartStatus
{
    /// <summary>Scheduled now.</summary>
    Started,

    /// <summary>The same request was started before; nothing new was done.</summary>
    AlreadyStarted,

    /// <summary>The id (Idempotency-Key) was used before for a different spec; nothing was done.</summary>
    Conflict,

    /// <summary>The spec is not valid; nothing was done.</summary>
    Invalid,
}
